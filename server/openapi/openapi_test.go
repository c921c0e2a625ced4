package openapi

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

func TestJSONIsTheValidDocumentBuiltOnce(t *testing.T) {
	a, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(a, &doc); err != nil || doc["openapi"] == nil || doc["paths"] == nil {
		t.Fatalf("not an OpenAPI document: %v %.100s", err, a)
	}
	b, _ := JSON()
	if &a[0] != &b[0] {
		t.Errorf("the document was built again")
	}
	fresh, err := buildJSON()
	if err != nil || !bytes.Equal(fresh, a) {
		t.Errorf("a fresh build differs from the cached one: %v", err)
	}
}

// BenchmarkJSONFirstBuild is what JSON saves each later server.New:
//
//	go test -run '^$' -bench JSONFirstBuild ./server/openapi
func BenchmarkJSONFirstBuild(b *testing.B) {
	for b.Loop() {
		if _, err := buildJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAPIPageIsGenerated: docs/api.md is what scripts/apidoc makes of the
// document, so the API's page lists exactly the routes the server has.
func TestAPIPageIsGenerated(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != Markdown(doc) {
		t.Fatal("docs/api.md differs from the OpenAPI document: run `go run ./scripts/apidoc`")
	}
}
