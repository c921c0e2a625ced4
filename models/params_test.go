package models

import (
	"fmt"
	"testing"
)

func TestParseTalentSearch(t *testing.T) {
	get := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	p := NewParams(get(map[string]string{"q": " 原画 ", "skills": "Maya, ,unity", "available": "false", "min_years": "3", "max_years": "12",
		"origin": "overseas", "sort": "newest", "page": "2", "per_page": "5"}))
	q := ParseTalentSearch(p)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	if q.Q != "原画" || fmt.Sprint(q.Skills) != "[Maya unity]" || q.Available == nil || *q.Available || *q.MinYears != 3 || *q.MaxYears != 12 ||
		fmt.Sprint(q.Origin) != "[overseas]" || q.Sort != "newest" || q.Page != (Page{Page: 2, PerPage: 5}) {
		t.Fatalf("parsed %+v", q)
	}
	if q := ParseTalentSearch(NewParams(get(nil))); q.Available != nil || q.MinYears != nil || q.MaxYears != nil || q.Page != (Page{1, 20}) {
		t.Fatalf("nothing given: %+v", q)
	}
	p = NewParams(get(map[string]string{"available": "maybe", "min_years": "x", "level": "D", "per_page": "1000"}))
	ParseTalentSearch(p)
	if len(p.Errs) != 4 || !IsCode(p.Err(), CodeBadRequest) {
		t.Fatalf("errors %v", p.Errs)
	}
}
