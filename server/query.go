package server

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// query reads the query string of a list request: only the named
// parameters are allowed and none twice; the values are read by
// models.Params, as the web UI reads them. Problems collect into one 400
// answer with a message per parameter.
type query struct {
	*models.Params
	c *fiber.Ctx
}

// listParams are allowed on every list.
var listParams = []string{"page", "per_page"}

func parseQuery(c *fiber.Ctx, allowed ...string) *query {
	q := &query{Params: models.NewParams(func(name string) string { return c.Query(name) }), c: c}
	ok := map[string]bool{}
	for _, a := range append(allowed, listParams...) {
		ok[a] = true
	}
	seen := map[string]bool{}
	for k, v := range c.Context().QueryArgs().All() {
		key := string(k)
		switch {
		case seen[key] && ok[key]:
			// One would be used and the other ignored: say so rather
			// than guess (lists take commas).
			q.Fail(key, models.RuleRepeated, "", "is given more than once; separate several values with commas")
		case !ok[key]:
			q.Fail(truncateForMessage(key), models.RuleUnknown, "", "is not a parameter of this list")
		case !utf8.Valid(v) || len(v) > 2000:
			q.Fail(key, models.RuleTooLong, "2000", "is not valid UTF-8 text of at most 2000 bytes")
		}
		seen[key] = true
	}
	return q
}

func (q *query) list(name string) []string                    { return q.List(name) }
func (q *query) enum(name string, allowed ...string) []string { return q.Enum(name, allowed...) }
func (q *query) number(name string, min, max int) int         { return q.Number(name, min, max) }
func (q *query) text(name string, maxRunes int) string        { return q.Text(name, maxRunes) }
func (q *query) page() models.Page                            { return q.Page() }
func (q *query) err() error                                   { return q.Err() }

func stringsOf[S ~string](vals []string) []S {
	out := make([]S, len(vals))
	for i, v := range vals {
		out[i] = S(v)
	}
	return out
}
