package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// The shapes most routes share, so that a handler is one line in routes.go:
// decode, call the service, answer with the object and its version.

// versioned is an object that carries a version (sent as its ETag).
type versioned interface{ GetVersion() int64 }

// create answers POST /things: decode In, call fn, 201 with the location.
func create[In any, T versioned](fn func(context.Context, *models.User, In) (T, error), location func(T) string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in In
		if err := decode(c, &in); err != nil {
			return err
		}
		v, err := fn(c.UserContext(), userOf(c), in)
		if err != nil {
			return err
		}
		setVersion(c, v.GetVersion())
		c.Location(location(v))
		return c.Status(fiber.StatusCreated).JSON(v)
	}
}

// get answers GET /things/:id.
func get[T versioned](fn func(context.Context, *models.User, string) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		v, err := fn(c.UserContext(), userOf(c), id)
		if err != nil {
			return err
		}
		setVersion(c, v.GetVersion())
		return c.JSON(v)
	}
}

// act answers POST /things/:id/<action> with a body (a decision).
func act[In any, T versioned](fn func(context.Context, *models.User, string, In) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		var in In
		if err := decode(c, &in); err != nil {
			return err
		}
		v, err := fn(c.UserContext(), userOf(c), id, in)
		if err != nil {
			return err
		}
		setVersion(c, v.GetVersion())
		return c.JSON(v)
	}
}

// change answers a write of /things/:id that honours If-Match (PATCH, a
// correction).
func change[In any, T versioned](fn func(context.Context, *models.User, string, In, int64) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		version, err := ifMatch(c)
		if err != nil {
			return err
		}
		var in In
		if err := decode(c, &in); err != nil {
			return err
		}
		v, err := fn(c.UserContext(), userOf(c), id, in, version)
		if err != nil {
			return err
		}
		setVersion(c, v.GetVersion())
		return c.JSON(v)
	}
}

// remove answers DELETE /things/:id, honouring If-Match.
func remove(fn func(context.Context, *models.User, string, int64) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		version, err := ifMatch(c)
		if err != nil {
			return err
		}
		if err := fn(c.UserContext(), userOf(c), id, version); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// removeFrom answers a DELETE of what one object holds of another (an
// organisation's member, its invitation of a user): the object's id, the
// other's id under param, 204.
func removeFrom(param string, fn func(context.Context, *models.User, string, string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		other, err := idParamNamed(c, param)
		if err != nil {
			return err
		}
		if err := fn(c.UserContext(), userOf(c), id, other); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// paged reads one object's page of related results (matches, similar
// profiles): the id, ?page and ?per_page, nothing else.
func paged[T any](fn func(context.Context, *models.User, string, models.Page) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		q := parseQuery(c)
		page := q.page()
		if err := q.err(); err != nil {
			return err
		}
		res, err := fn(c.UserContext(), userOf(c), id, page)
		if err != nil {
			return err
		}
		return c.JSON(res)
	}
}
