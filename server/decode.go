package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// serverOwned are fields that only the server sets. A client that sends
// one is told so, rather than just "unknown field".
var serverOwned = map[string]bool{
	"id": true, "_id": true, "owner_id": true, "user_id": true, "org_id": true, "status": true, "version": true,
	"created_at": true, "updated_at": true, "verified_at": true, "verified_by": true, "contact_masked": true,
}

// decode reads a JSON request body into v, a typed struct: user JSON never
// becomes a bson document, so operators like {"$ne": ""} are just a wrong
// type. It refuses other content types (415), invalid UTF-8, unknown and
// server-owned fields, and trailing data (400).
func decode(c *fiber.Ctx, v any) error {
	ct := c.Get(fiber.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return models.Errorf(models.CodeUnsupportedMediaType, "send the body as application/json")
	}
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return models.Errorf(models.CodeBadRequest, "the request body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return models.Errorf(models.CodeBadRequest, "the request body is not valid UTF-8")
	}
	// encoding/json would store a lone surrogate escape as U+FFFD: text
	// that is not what the client sent, like invalid UTF-8.
	if at := unpairedSurrogate(body); at >= 0 {
		return models.Errorf(models.CodeBadRequest, "the request body has an unpaired surrogate escape (\\u%s) at byte %d: it is not a character", body[at+2:at+6], at)
	}
	// Every body of the API is an object: null would decode into a zero
	// struct, an empty change or an empty creation.
	if bytes.TrimLeft(body, " \t\r\n")[0] != '{' {
		return models.Errorf(models.CodeBadRequest, "the request body must be a JSON object")
	}
	if err := checkJSON(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return models.Errorf(models.CodeBadRequest, "unexpected data after the JSON object")
	}
	return nil
}

// maxJSONDepth bounds the nesting of a request body: no request of the API
// nests deeper than a few levels.
const maxJSONDepth = 16

// MaxJSONArrayItems bounds every array of a request body (the models'
// bound on a request's lists), checked while the body is scanned and
// before it is decoded; each field documents its own maxItems in
// openapi.yaml, at most this.
const MaxJSONArrayItems = models.MaxRequestList

// unpairedSurrogate returns the offset of the first \u escape in a string
// of body that is half of a UTF-16 surrogate pair without its other half,
// or -1. Malformed escapes are left to the JSON decoder.
func unpairedSurrogate(body []byte) int {
	hex4 := func(i int) rune {
		if i+4 > len(body) {
			return -1
		}
		var r rune
		for _, c := range body[i : i+4] {
			switch {
			case c >= '0' && c <= '9':
				r = r<<4 | rune(c-'0')
			case c >= 'a' && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case c >= 'A' && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return -1
			}
		}
		return r
	}
	high := func(r rune) bool { return r >= 0xD800 && r <= 0xDBFF }
	low := func(r rune) bool { return r >= 0xDC00 && r <= 0xDFFF }
	inString := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 >= len(body) || body[i+1] != 'u' {
				i++ // an escaped character
				continue
			}
			r := hex4(i + 2)
			switch {
			case high(r):
				if i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u' && low(hex4(i+8)) {
					i += 11
					continue
				}
				return i
			case low(r):
				return i
			}
			i += 5
		}
	}
	return -1
}

// checkJSON refuses what decoding into a struct would silently accept: a
// key given twice in one object (the last would win, so a filter could
// check one value and the write use another; keys match fields regardless
// of case, so "Email" and "email" are the same key) and needless depth.
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // in an object, the next string token is a key
		items  int  // in an array, the values so far
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return jsonError(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, end := tok.(json.Delim); top != nil && !top.object && !(end && (d == ']' || d == '}')) {
			if top.items++; top.items > MaxJSONArrayItems {
				return models.Errorf(models.CodeBadRequest, "an array of the body has more than %d items", MaxJSONArrayItems)
			}
		}
		if top != nil && top.object && top.expect {
			if key, ok := tok.(string); ok {
				k := strings.ToLower(key)
				if top.keys[k] {
					return &models.Error{Code: models.CodeBadRequest, Message: "field " + strconv.Quote(key) + " appears more than once",
						Fields: map[string]string{key: "appears more than once"}, Rules: map[string]models.FieldRule{key: {Rule: models.RuleRepeated}}}
				}
				top.keys[k] = true
				top.expect = false
				continue
			}
		}
		// A value (or the end of a container) follows: in an object, a key
		// comes next.
		switch d := tok.(type) {
		case json.Delim:
			switch d {
			case '{', '[':
				if len(stack) >= maxJSONDepth {
					return models.Errorf(models.CodeBadRequest, "the JSON is nested more than %d levels deep", maxJSONDepth)
				}
				stack = append(stack, &frame{object: d == '{', keys: map[string]bool{}, expect: d == '{'})
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expect = true
		}
	}
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return models.Errorf(models.CodeBadRequest, "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return models.Errorf(models.CodeBadRequest, "malformed JSON: the body ends too early")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return models.Errorf(models.CodeBadRequest, "the body must be a JSON %s", jsonType(typ.Type.Kind().String()))
		}
		msg := "must be " + aJSONType(typ.Type.Kind().String())
		return &models.Error{Code: models.CodeBadRequest, Message: "field " + strconv.Quote(typ.Field) + " " + msg,
			Fields: map[string]string{typ.Field: msg}, Rules: map[string]models.FieldRule{typ.Field: {Rule: models.RuleType, Param: aJSONType(typ.Type.Kind().String())}}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		if serverOwned[strings.ToLower(name)] {
			return &models.Error{Code: models.CodeBadRequest, Message: "field " + strconv.Quote(name) + " is set by the server and cannot be sent",
				Fields: map[string]string{name: "is set by the server"}, Rules: map[string]models.FieldRule{name: {Rule: models.RuleServerOwned}}}
		}
		return &models.Error{Code: models.CodeBadRequest, Message: "unknown field " + strconv.Quote(name),
			Fields: map[string]string{name: "is not a field of this request"}, Rules: map[string]models.FieldRule{name: {Rule: models.RuleUnknown}}}
	}
	return models.Errorf(models.CodeBadRequest, "malformed JSON")
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "ptr":
		return "value"
	}
	return "number"
}

func aJSONType(kind string) string {
	t := jsonType(kind)
	if t == "array" || t == "object" {
		return "an " + t
	}
	return "a " + t
}

// ifMatch reads the If-Match header: "" or * means any version; otherwise a
// version number, bare or as an ETag ("3", W/"3").
func ifMatch(c *fiber.Ctx) (int64, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.TrimPrefix(h, "W/")
	h = strings.Trim(h, `"`)
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return 0, models.Errorf(models.CodeBadRequest, "If-Match must be a version number like \"3\"")
	}
	return v, nil
}

// setVersion sends an object's version as its ETag.
func setVersion(c *fiber.Ctx, version int64) {
	c.Set(fiber.HeaderETag, `"`+strconv.FormatInt(version, 10)+`"`)
}

// idParam returns the :id of the path, or a 400 when it cannot be an id.
func idParam(c *fiber.Ctx) (string, error) { return idParamNamed(c, "id") }

// idParamNamed returns the id in the path parameter name, or a 400.
func idParamNamed(c *fiber.Ctx, name string) (string, error) {
	id := c.Params(name)
	if !models.ValidID(id) {
		return "", models.Errorf(models.CodeBadRequest, "malformed id %q: ids are 24 hexadecimal digits", truncateForMessage(id))
	}
	return id, nil
}

func truncateForMessage(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
