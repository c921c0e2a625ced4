package openapi

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// apiIntro is the hand-written part of docs/api.md; the route table after
// it is generated from the document (Markdown), so that the page cannot
// list a route the server does not have, or miss one.
const apiIntro = `# HTTP API

This page is generated from the OpenAPI document (` + "`server/openapi/openapi.yaml`" + `, served at
` + "`GET /api/v1/openapi.json`" + `) by ` + "`go run ./scripts/apidoc`" + `; ` + "`TestAPIPageIsGenerated`" + ` fails when they differ.
The document is the contract: tests validate every answer of the API against it.

## Conventions

- JSON in and out, UTF-8 (a string with invalid UTF-8 is refused). IDs are strings of 24 hexadecimal digits.
  Times are RFC 3339; dates ` + "`YYYY-MM-DD`" + `.
- Authentication: ` + "`Authorization: Bearer <token>`" + ` with the token of ` + "`POST /api/v1/auth/login`" + ` or ` + "`/register`" + `
  (opaque, revocable). The web UI's session cookie holds the same token; the API accepts it for GET only.
- Errors always have one shape: ` + "`{\"error\": {\"code\": \"validation_failed\", \"message\": \"…\", \"fields\": {\"email\": \"…\"}}}`" + `.
  Codes and statuses: 400 ` + "`bad_request`" + ` (malformed JSON, unknown field, bad query parameter), 401 ` + "`unauthenticated`" + `,
  403 ` + "`forbidden`" + `, 404 ` + "`not_found`" + ` (also for what the caller may not see), 409 ` + "`conflict`" + ` (duplicate, wrong state),
  412 ` + "`precondition_failed`" + `, 413 ` + "`too_large`" + `, 415 ` + "`unsupported_media_type`" + `, 422 ` + "`validation_failed`" + `,
  429 ` + "`rate_limited`" + `, 503 ` + "`unavailable`" + `, 507 ` + "`storage_full`" + ` (a write while the server's disk is full: nothing was
  saved, reads still work; it lasts until an operator frees space), 500 ` + "`internal`" + ` (a bug; the log has it under the request id).
- Every object carries ` + "`version`" + `, also sent as the ` + "`ETag`" + ` header. A PATCH or DELETE may send ` + "`If-Match: <version>`" + `; a
  stale one answers 412 and changes nothing.
- Lists take ` + "`page`" + ` (from 1) and ` + "`per_page`" + ` (at most 100) and answer ` + "`{items, total, page, per_page}`" + `; totals are
  exact and pages stable (ties are ordered by id). Searches add ` + "`facets`" + ` (the twenty most frequent values of each,
  over every match) and ` + "`took_ms`" + `. List parameters take several values separated by commas.
- Unknown JSON fields and query parameters are refused (400); a client never sets server-owned fields (` + "`id`" + `,
  ` + "`owner_id`" + `, ` + "`status`" + `, ` + "`verified_*`" + `, ` + "`created_at`" + ` …).

## Search parameters

` + "`GET /api/v1/talents`" + ` and ` + "`GET /api/v1/projects`" + ` (and the web UI's search pages, which read the same parameters through
` + "`models.ParseTalentSearch`" + ` and ` + "`ParseProjectSearch`" + `): ` + "`q`" + ` is free text in Chinese or English — plain words (all
must match, each also by its synonyms, the words as typed ranked first; an English word of five letters or more that
no text holds also by the words one edit away; a name also by its pinyin, full or initials), "quoted phrases"
(exactly the words, folded to Simplified and lower case, never their synonyms), ` + "`-excluded`" + ` words; filters ` + "`skills`" + `, ` + "`tools`" + `, ` + "`industries`" + `, ` + "`district`" + `,
` + "`origin`" + `, ` + "`level`" + `, ` + "`available`" + `, ` + "`min_years`" + `, ` + "`max_years`" + ` (profiles) or ` + "`kind`" + `, ` + "`district`" + `,
` + "`industries`" + `, ` + "`skills`" + `, ` + "`org_id`" + `, ` + "`status`" + ` (projects); ` + "`sort`" + ` is ` + "`relevance`" + ` (the default), ` + "`newest`" + `,
` + "`experience`" + ` (profiles) or ` + "`deadline`" + ` (projects: soonest first, none last). A query too expensive or malformed is
a 400 with the reason, never a timeout.

## Routes

`

// Markdown renders the document's routes as the page docs/api.md.
func Markdown(doc *openapi3.T) string {
	var b strings.Builder
	b.WriteString(apiIntro)
	b.WriteString("| method | path | who | what | answers |\n| --- | --- | --- | --- | --- |\n")
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		order := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
		slices.SortFunc(methods, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
		for _, m := range methods {
			op := ops[m]
			who := "anyone"
			if op.Security != nil && len(*op.Security) > 0 {
				who = "signed in"
			}
			var codes []string
			for code := range op.Responses.Map() {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			summary := strings.ReplaceAll(op.Summary, "|", "\\|")
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", m, path, who, summary, strings.Join(codes, ", "))
		}
	}
	return b.String()
}
