package search

import (
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

func TestParseText(t *testing.T) {
	p, err := ParseText(`原画 "level design"  -二次元 UE5，“动作 捕捉” -`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Words, "|") != "原画|UE5" || strings.Join(p.Phrases, "|") != "level design|动作 捕捉" || strings.Join(p.Excluded, "|") != "二次元" {
		t.Fatalf("%+v", p)
	}
	p, err = ParseText(`"unclosed phrase`)
	if err != nil || len(p.Phrases) != 1 || p.Phrases[0] != "unclosed phrase" {
		t.Fatalf("unclosed: %+v %v", p, err)
	}
	for name, q := range map[string]string{
		"too long":         strings.Repeat("字", 201),
		"too many words":   strings.Repeat("a ", 13),
		"too many phrases": strings.Repeat(`"a" `, 6),
		"only exclusions":  "-a -b",
		"control":          "a\x00b",
		"invalid UTF-8":    "\xff",
	} {
		if _, err := ParseText(q); !models.IsCode(err, models.CodeBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
