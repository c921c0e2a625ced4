package server

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// fiberCodes names the errors Fiber and fasthttp raise themselves.
var fiberCodes = map[int]models.Code{
	fiber.StatusBadRequest:            models.CodeBadRequest,
	fiber.StatusNotFound:              models.CodeNotFound,
	fiber.StatusMethodNotAllowed:      models.CodeMethodNotAllowed,
	fiber.StatusRequestEntityTooLarge: models.CodeTooLarge,
	fiber.StatusRequestTimeout:        models.CodeUnavailable,
	fiber.StatusUnsupportedMediaType:  models.CodeUnsupportedMediaType,
	fiber.StatusTooManyRequests:       models.CodeRateLimited,
	fiber.StatusServiceUnavailable:    models.CodeUnavailable,
	fiber.StatusUnauthorized:          models.CodeUnauthenticated,
	fiber.StatusForbidden:             models.CodeForbidden,
}

var fiberMessages = map[models.Code]string{
	models.CodeNotFound:         "no such route",
	models.CodeMethodNotAllowed: "this route does not accept that method",
	models.CodeTooLarge:         "the request body is larger than the limit",
	models.CodeBadRequest:       "malformed request",
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      models.Code       `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// asModelsError turns any error into a models error: Fiber's own errors by
// their status, anything unknown into an internal error.
func asModelsError(err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, ok := fiberCodes[fe.Code]
		switch {
		case ok:
		case fe.Code >= 400 && fe.Code < 500:
			// Another refusal of the HTTP layer (431 headers too
			// large, say): the client's fault, not ours.
			code = models.CodeBadRequest
		default:
			code = models.CodeInternal
		}
		msg := fiberMessages[code]
		if msg == "" || !ok {
			msg = fe.Message
		}
		return &models.Error{Code: code, Message: msg, Err: err}
	}
	return err
}

// errorHandler is Fiber's ErrorHandler: errors raised outside the
// middleware chain (an oversized body, say) reach it directly.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	// Pages and the API alike tell when to try again.
	retryAfter(c, asModelsError(err))
	// Only a request that entered the app (it has a request id) gets a
	// page: an error of the HTTP layer itself (a body it cannot read)
	// comes with a request it has already reset.
	if s.cfg.Pages != nil && requestIDOf(c) != "" && s.cfg.Pages.IsPage(c.Path()) {
		// The page logs what it does not show.
		if rerr := s.cfg.Pages.RenderError(c, asModelsError(err)); rerr == nil {
			return nil
		}
	}
	s.writeError(c, err)
	return nil
}

// retryAfter sets Retry-After: the wait the error names (a rate limit, a
// refusal of admission), or a second when the database does not answer.
func retryAfter(c *fiber.Ctx, err error) {
	var me *models.Error
	switch {
	case errors.As(err, &me) && me.RetryAfter > 0:
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(me.RetryAfter.Seconds()+0.999)))
	case models.ErrorCode(err) == models.CodeUnavailable:
		c.Set(fiber.HeaderRetryAfter, "1")
	}
}

// writeError answers with the error shape of docs/api.md. Internal errors are
// logged with the request id; the client gets no detail of them.
func (s *Server) writeError(c *fiber.Ctx, err error) {
	err = asModelsError(err)
	code := models.ErrorCode(err)
	status := code.HTTPStatus()
	if status == fiber.StatusInternalServerError {
		code = models.CodeInternal
	}
	rid := requestIDOf(c)
	if code == models.CodeInternal {
		s.log.ErrorContext(c.UserContext(), "internal error", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
	} else if code == models.CodeUnavailable {
		s.log.WarnContext(c.UserContext(), "unavailable", "request_id", rid, "path", c.Path(), "error", err)
	} else if code == models.CodeStorageFull {
		// An error, not a warning: nothing heals it but an operator
		// freeing space. No Retry-After either, for the same reason.
		s.log.ErrorContext(c.UserContext(), "storage full: a write was refused", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
	}
	if code == models.CodeUnauthenticated {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="talenthub"`)
	}
	body := errorBody{Error: errorDetail{Code: code, Message: models.ErrorMessage(err), Fields: models.ErrorFields(err), RequestID: rid}}
	if jerr := c.Status(status).JSON(body); jerr != nil {
		s.log.Error("write error response", slog.Any("error", jerr))
	}
}
