// Package openapi holds the OpenAPI 3 description of talenthub's HTTP API,
// written by hand in openapi.yaml and served as JSON. Tests validate every
// answer of the API against it, so the document and the code cannot drift.
package openapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var source []byte

// Load parses and validates the document.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(source)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	return doc, nil
}

// JSON returns the document as JSON, for GET /api/v1/openapi.json. It is
// built once per process: loading and validating the document takes about
// 16 ms (BenchmarkJSONFirstBuild), which every server.New — and so every
// test server — would otherwise pay again.
func JSON() ([]byte, error) { return jsonOnce() }

var jsonOnce = sync.OnceValues(buildJSON)

func buildJSON() ([]byte, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}
