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

// idOf reads the object's id from the path, or answers 400: idParam for
// most objects, entryParam for an incubation entry's composite id.
type idOf func(*fiber.Ctx) (string, error)

// get answers GET /things/:id.
func get[T versioned](fn func(context.Context, *models.User, string) (T, error)) fiber.Handler {
	return getBy(idParam, fn)
}

// getBy is get for objects whose id idParam does not read.
func getBy[T versioned](idOf idOf, fn func(context.Context, *models.User, string) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idOf(c)
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
	return actBy(idParam, fn)
}

// actBy is act for objects whose id idParam does not read.
func actBy[In any, T versioned](idOf idOf, fn func(context.Context, *models.User, string, In) (T, error)) fiber.Handler {
	return actAnswering(idOf, fn, nil)
}

// createUnder answers POST /things/:id/<children>: act, answered 201 with
// the new child's location.
func createUnder[In any, T versioned](fn func(context.Context, *models.User, string, In) (T, error), location func(T) string) fiber.Handler {
	return actAnswering(idParam, fn, location)
}

func actAnswering[In any, T versioned](idOf idOf, fn func(context.Context, *models.User, string, In) (T, error), location func(T) string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idOf(c)
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
		if location != nil {
			c.Location(location(v))
			return c.Status(fiber.StatusCreated).JSON(v)
		}
		return c.JSON(v)
	}
}

// change answers a write of /things/:id that honours If-Match (PATCH, a
// correction).
func change[In any, T versioned](fn func(context.Context, *models.User, string, In, int64) (T, error)) fiber.Handler {
	return changeBy(idParam, fn)
}

// changeBy is change for objects whose id idParam does not read.
func changeBy[In any, T versioned](idOf idOf, fn func(context.Context, *models.User, string, In, int64) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idOf(c)
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

// view answers GET /things/:id/<view> (a ranking, a cohort): the object's
// id, no query parameters, the answer without a version.
func view[T any](idOf idOf, fn func(context.Context, *models.User, string) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idOf(c)
		if err != nil {
			return err
		}
		if err := parseQuery(c).err(); err != nil {
			return err
		}
		v, err := fn(c.UserContext(), userOf(c), id)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}

// items answers a whole list as {items, total}.
func items[T any](fn func(context.Context, *models.User, string) ([]T, error)) func(context.Context, *models.User, string) (fiber.Map, error) {
	return func(ctx context.Context, u *models.User, id string) (fiber.Map, error) {
		list, err := fn(ctx, u, id)
		if err != nil {
			return nil, err
		}
		return fiber.Map{"items": list, "total": len(list)}, nil
	}
}

// mine answers GET of the caller's own whole list (no id, no query
// parameters) as {items, total}.
func mine[T any](fn func(context.Context, *models.User) ([]T, error)) fiber.Handler {
	noID := func(*fiber.Ctx) (string, error) { return "", nil }
	return view(noID, items(func(ctx context.Context, u *models.User, _ string) ([]T, error) { return fn(ctx, u) }))
}

// dropResult adapts a removal that returns what remains to removeFrom's
// shape: the route answers 204 and says nothing of it.
func dropResult[T any](fn func(context.Context, *models.User, string, string) (T, error)) func(context.Context, *models.User, string, string) error {
	return func(ctx context.Context, u *models.User, id, other string) error {
		_, err := fn(ctx, u, id, other)
		return err
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
