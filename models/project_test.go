package models

import (
	"testing"
)

func intp(n int) *int { return &n }

func TestProjectPayValidation(t *testing.T) {
	tax := DefaultTaxonomy()
	base := func() ProjectInput { return ProjectInput{Title: "原画师", Kind: ProjectJob, Openings: 1} }
	for _, tc := range []struct {
		name       string
		min, max   *int
		unit       PayUnit
		wantFields []string // empty: valid
	}{
		{"negotiable", nil, nil, "", nil},
		{"range", intp(8000), intp(12000), PayMonth, nil},
		{"fixed", intp(500), intp(500), PayDay, nil},
		{"zero", intp(0), intp(0), PayProject, nil},
		{"max below min", intp(12000), intp(8000), PayMonth, []string{"pay_max"}},
		{"negative", intp(-1), intp(10), PayHour, []string{"pay_min"}},
		{"huge", intp(1), intp(MaxPay + 1), PayMonth, []string{"pay_max"}},
		{"unknown unit", intp(1), intp(2), "week", []string{"pay_unit"}},
		{"unit alone", nil, nil, PayMonth, []string{"pay_min", "pay_max"}},
		{"numbers without unit", intp(1), intp(2), "", []string{"pay_unit"}},
		{"min alone", intp(1), nil, PayMonth, []string{"pay_max"}},
	} {
		in := base()
		in.PayMin, in.PayMax, in.PayUnit = tc.min, tc.max, tc.unit
		err := tax.Validate(in)
		if len(tc.wantFields) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != CodeValidation {
			t.Errorf("%s: want a validation error, got %v", tc.name, err)
			continue
		}
		for _, f := range tc.wantFields {
			if e.Fields[f] == "" {
				t.Errorf("%s: no error on %s: %v", tc.name, f, e.Fields)
			}
		}
	}
}

func TestProjectPayPatch(t *testing.T) {
	tax := DefaultTaxonomy()
	p := &Project{}
	p.ApplyInput(ProjectInput{Title: "x", Kind: ProjectJob, Openings: 1, PayMin: intp(100), PayMax: intp(200), PayUnit: PayDay})
	if !p.HasPay() || p.PayCurrency != PayCurrency {
		t.Fatalf("pay not set: %+v", p)
	}
	if m, ok := p.MonthlyPay(); !ok || m != 200*DaysPerMonth {
		t.Errorf("monthly: %v %v", m, ok)
	}
	// Raising the top alone keeps the rest.
	in := ProjectUpdate{PayMax: intp(300)}.Apply(p.Input())
	if *in.PayMin != 100 || *in.PayMax != 300 || in.PayUnit != PayDay {
		t.Errorf("patch of pay_max: %+v", in)
	}
	// An empty unit removes the pay.
	none := PayUnit("")
	in = ProjectUpdate{PayUnit: &none}.Apply(p.Input())
	if in.PayMin != nil || in.PayMax != nil || in.PayUnit != "" || tax.Validate(in) != nil {
		t.Errorf("removing the pay: %+v", in)
	}
	p.ApplyInput(in)
	if p.HasPay() || p.PayCurrency != "" {
		t.Errorf("pay left: %+v", p)
	}
	// An empty unit with numbers is refused, not half applied.
	in = ProjectUpdate{PayUnit: &none, PayMin: intp(1)}.Apply(p.Input())
	if tax.Validate(in) == nil {
		t.Error("pay_min without a unit accepted")
	}
	if _, ok := (&Project{PayMin: intp(1), PayMax: intp(2), PayUnit: PayProject}).MonthlyPay(); ok {
		t.Error("a pay per project has no monthly figure")
	}
}
