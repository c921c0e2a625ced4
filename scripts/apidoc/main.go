// Command apidoc writes docs/api.md from the OpenAPI document:
//
//	go run ./scripts/apidoc
package main

import (
	"fmt"
	"os"

	"github.com/szdc/talenthub/server/openapi"
)

func main() {
	doc, err := openapi.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "apidoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("docs/api.md", []byte(openapi.Markdown(doc)), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "apidoc:", err)
		os.Exit(1)
	}
}
