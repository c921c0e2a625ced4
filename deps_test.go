package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The dependency rules of the design: models depends on nothing of ours;
// server, web and the services speak models interfaces and never reach the
// driver, Bleve or FerretDB, not even through another package.
func TestDependencyRules(t *testing.T) {
	const mod = "github.com/szdc/talenthub"
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", mod+"/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	forbidden := []string{"go.mongodb.org/", "github.com/blevesearch/", "github.com/FerretDB/", "modernc.org/sqlite"}
	for _, pkg := range []string{"models", "server", "web", "server/service", "server/media", "server/intake"} {
		for _, d := range deps(pkg) {
			for _, f := range forbidden {
				if strings.HasPrefix(d, f) {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
			if pkg == "models" && strings.HasPrefix(d, mod+"/") && d != mod+"/models" {
				t.Errorf("models depends on %s", d)
			}
			if strings.HasPrefix(d, mod+"/server/store") || strings.HasPrefix(d, mod+"/server/embeddb") {
				t.Errorf("%s depends on %s; only main wires the store", pkg, d)
			}
		}
	}
}
