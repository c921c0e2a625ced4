package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/server/openapi"
)

var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func contractRouter(t *testing.T) routers.Router {
	t.Helper()
	contract.once.Do(func() {
		contract.doc, contract.err = openapi.Load()
		if contract.err == nil {
			contract.router, contract.err = legacy.NewRouter(contract.doc)
		}
	})
	if contract.err != nil {
		t.Fatal(contract.err)
	}
	return contract.router
}

// validateAgainstContract checks an answer against the OpenAPI document:
// its status must be declared for the route and its body must match the
// schema. Answers to routes the document does not have (an unknown path,
// a wrong method) are checked by the error-contract tests instead.
func validateAgainstContract(t *testing.T, method, target string, reqHeader http.Header, status int, header http.Header, body []byte) {
	t.Helper()
	if err := contractError(t, method, target, reqHeader, status, header, body); err != nil {
		t.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %.300s", method, target, status, err, body)
	}
}

func contractError(t *testing.T, method, target string, reqHeader http.Header, status int, header http.Header, body []byte) error {
	t.Helper()
	router := contractRouter(t)
	req := httptest.NewRequest(method, target, nil)
	req.Header = reqHeader.Clone()
	route, params, err := router.FindRoute(req)
	if err != nil {
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: status,
		Header: header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// The validation above is not vacuous: documented routes are found, and a
// wrong answer is caught.
func TestContractValidationCatchesDrift(t *testing.T) {
	router := contractRouter(t)
	if _, _, err := router.FindRoute(httptest.NewRequest("GET", "/api/v1/talents/65f0c0ffee00000000000001", nil)); err != nil {
		t.Fatalf("a documented route is not found: %v", err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for _, bad := range []struct {
		status int
		body   string
	}{
		{200, `{"id":"x"}`}, // missing required fields
		{418, `{"error":{"code":"internal","message":"x"}}`},    // undeclared status
		{401, `{"error":{"code":"nope","message":"x"}}`},        // unknown error code
		{401, `{"error":{"code":"unauthenticated"},"extra":1}`}, // no message, extra field
	} {
		if err := contractError(t, "GET", "/api/v1/me", http.Header{}, bad.status, h, []byte(bad.body)); err == nil {
			t.Errorf("%d %s passed validation", bad.status, bad.body)
		}
	}
}

// Every route of the app is in the document, and every operation of the
// document is a route.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t)
	contractRouter(t)
	documented := map[string]bool{}
	for path, item := range contract.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+fiberPath(path)] = true
		}
	}
	served := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == "HEAD" || strings.HasPrefix(r.Path, "/test/") || r.Path == "/" {
			continue
		}
		served[r.Method+" "+r.Path] = true
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.yaml", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("openapi.yaml describes %s, which is not served", k)
		}
	}
	if len(served) < 10 {
		t.Fatalf("only %d routes found: %v", len(served), slices.Collect(func(yield func(string) bool) {
			for k := range served {
				if !yield(k) {
					return
				}
			}
		}))
	}

	r := e.call("GET", "/api/v1/openapi.json", "", nil)
	if r.status != 200 || r.body["openapi"] != "3.0.3" {
		t.Fatalf("served document: %d %.200s", r.status, r.raw)
	}
}

// fiberPath turns /talents/{id} into /talents/:id.
func fiberPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			parts[i] = ":" + s[1:len(s)-1]
		}
	}
	return strings.Join(parts, "/")
}

// TestRequestArraysHaveALimit: every array a request body may hold says
// its maxItems in the document, at most what the decoder lets through
// (server.MaxJSONArrayItems, checked before any other work).
func TestRequestArraysHaveALimit(t *testing.T) {
	contractRouter(t)
	seen := map[*openapi3.Schema]bool{}
	arrays := 0
	var walk func(where string, s *openapi3.SchemaRef)
	walk = func(where string, s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		v := s.Value
		seen[v] = true
		if v.Type.Is("array") {
			arrays++
			if v.MaxItems == nil {
				t.Errorf("%s: an array without maxItems", where)
			} else if *v.MaxItems > server.MaxJSONArrayItems {
				t.Errorf("%s: maxItems %d is over the decoder's %d", where, *v.MaxItems, server.MaxJSONArrayItems)
			}
			walk(where+"[]", v.Items)
		}
		for name, p := range v.Properties {
			walk(where+"."+name, p)
		}
		for _, sub := range append(append(append(v.AllOf, v.OneOf...), v.AnyOf...), v.Not) {
			walk(where, sub)
		}
		if v.AdditionalProperties.Schema != nil {
			walk(where+".*", v.AdditionalProperties.Schema)
		}
	}
	for path, item := range contract.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				walk(method+" "+path, mt.Schema)
			}
		}
	}
	if arrays < 5 {
		t.Fatalf("only %d arrays found in request bodies", arrays)
	}
}
