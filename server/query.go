package server

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// query reads the query string of a list request: only the named
// parameters are allowed, lists are comma-separated, numbers are checked.
// Problems collect into one 400 answer with a message per parameter.
type query struct {
	c    *fiber.Ctx
	errs map[string]string
}

// listParams are allowed on every list.
var listParams = []string{"page", "per_page"}

func parseQuery(c *fiber.Ctx, allowed ...string) *query {
	q := &query{c: c, errs: map[string]string{}}
	ok := map[string]bool{}
	for _, a := range append(allowed, listParams...) {
		ok[a] = true
	}
	seen := map[string]bool{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		switch {
		case seen[key] && ok[key]:
			// One would be used and the other ignored: say so rather
			// than guess (lists take commas).
			q.errs[key] = "is given more than once; separate several values with commas"
		case !ok[key]:
			q.errs[truncateForMessage(key)] = "is not a parameter of this list"
		case !utf8.Valid(v) || len(v) > 2000:
			q.errs[key] = "is not valid UTF-8 text of at most 2000 bytes"
		}
		seen[key] = true
	})
	return q
}

// list returns a comma-separated parameter as values (at most 50).
func (q *query) list(name string) []string {
	raw := q.c.Query(name)
	if raw == "" {
		return nil
	}
	var out []string
	for _, v := range strings.Split(raw, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	if len(out) > 50 {
		q.errs[name] = "has more than 50 values"
	}
	return out
}

// enum is list with every value in allowed.
func (q *query) enum(name string, allowed ...string) []string {
	vals := q.list(name)
	for _, v := range vals {
		found := false
		for _, a := range allowed {
			found = found || v == a
		}
		if !found {
			q.errs[name] = "must be among: " + strings.Join(allowed, ", ")
		}
	}
	return vals
}

// number returns an integer parameter in [min, max], or 0 when absent.
func (q *query) number(name string, min, max int) int {
	raw := q.c.Query(name)
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		q.errs[name] = "must be a whole number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max)
		return 0
	}
	return n
}

// text returns a free-text parameter.
func (q *query) text(name string, maxRunes int) string {
	s := strings.TrimSpace(q.c.Query(name))
	if utf8.RuneCountInString(s) > maxRunes {
		q.errs[name] = "is longer than " + strconv.Itoa(maxRunes) + " characters"
	}
	return s
}

// page returns the paging parameters.
func (q *query) page() models.Page {
	p, pp := q.number("page", 1, 10000), q.number("per_page", 1, models.MaxPerPage)
	page, _ := models.NewPage(p, pp)
	return page
}

// err returns the 400 for every problem found, or nil.
func (q *query) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return &models.Error{Code: models.CodeBadRequest, Message: "bad query parameters", Fields: q.errs}
}

func stringsOf[S ~string](vals []string) []S {
	out := make([]S, len(vals))
	for i, v := range vals {
		out[i] = S(v)
	}
	return out
}
