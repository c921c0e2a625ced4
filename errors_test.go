package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestFieldErrorsCarryARule: the web UI says what is wrong with a field in
// the page's language from the error's rule (models.Rule), never from its
// English message. Every field error built in the code carries rules, and
// every rule and named refusal declared is listed where the locale test
// finds them (models.Rules, models.Refusals); the locale test then fails
// when one has no text in either language.
func TestFieldErrorsCarryARule(t *testing.T) {
	fields := regexp.MustCompile(`Fields:\s*([a-z]\w*|map\[string\]string\{)`)
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "scripts") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, loc := range fields.FindAllIndex(src, -1) {
			// The rest of the composite literal Fields is in, to the brace
			// that closes it.
			depth, end := 0, loc[0]
			for ; end < len(src) && depth >= 0; end++ {
				switch src[end] {
				case '{':
					depth++
				case '}':
					depth--
				}
			}
			start := strings.LastIndex(string(src[:loc[0]]), "{")
			if strings.HasSuffix(string(src[max(0, start-len("errorDetail")):start]), "errorDetail") {
				continue // the API's answer, which has no rules to carry
			}
			if !strings.Contains(string(src[loc[0]:end]), "Rules:") {
				line := strings.Count(string(src[:loc[0]]), "\n") + 1
				t.Errorf("%s:%d: a field error without its rules (models.FieldProblem, or Rules beside Fields)", path, line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("models/rules.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`(?m)^\s+Rule\w+\s+Rule = "`).FindAll(src, -1)); n != len(models.Rules) {
		t.Errorf("models/rules.go declares %d rules and lists %d in models.Rules", n, len(models.Rules))
	}
	if n := len(regexp.MustCompile(`(?m)^\s+Refusal\w+\s+Refusal = "`).FindAll(src, -1)); n != len(models.Refusals) {
		t.Errorf("models/rules.go declares %d refusals and lists %d in models.Refusals", n, len(models.Refusals))
	}
}
