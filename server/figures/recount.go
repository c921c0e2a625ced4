package figures

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/szdc/talenthub/models"
)

// Recount recomputes every recruitment and base figure from the raw
// records, by a path independent of the live aggregate (no incremental
// updates: group, pick, count), brings the live figures up to date with
// the feed, and lists every difference. With no writes in between, there
// must be none.
func (f *Figures) Recount(ctx context.Context) (*models.RecountResult, error) {
	start := time.Now()
	recs, bases, orgs, err := ReadAll(ctx, f.src)
	if err != nil {
		return nil, err
	}
	if _, err := f.CatchUp(ctx); err != nil {
		return nil, err
	}
	want := computeRecruitment(recs)
	res := &models.RecountResult{Records: len(recs), Bases: len(bases), Orgs: len(orgs), Differences: []string{}}
	diff := func(format string, args ...any) {
		res.Differences = append(res.Differences, fmt.Sprintf(format, args...))
	}

	f.mu.RLock()
	defer f.mu.RUnlock()
	// The raw documents and the live ones are the same set, at the same
	// versions.
	check := func(coll string, raw map[string]int64, live map[string]int64) {
		for id, v := range raw {
			if lv, ok := live[id]; !ok {
				diff("%s %s is missing from the live figures", coll, id)
			} else if lv != v {
				diff("%s %s is at version %d live, %d in the database", coll, id, lv, v)
			}
			res.Checked++
		}
		for id := range live {
			if _, ok := raw[id]; !ok {
				diff("%s %s is in the live figures but not in the database", coll, id)
			}
		}
	}
	check("recruitment", versionsOf(recs, func(r *models.Recruitment) (string, int64) { return r.ID, r.Version }),
		liveVersionsOf(f.recs, func(r *rec) int64 { return r.m.Version }))
	check("base", versionsOf(bases, func(b *models.Base) (string, int64) { return b.ID, b.Version }),
		liveVersionsOf(f.bases, func(b baseRow) int64 { return b.m.Version }))
	check("organisation", versionsOf(orgs, func(o *models.Org) (string, int64) { return o.ID, o.Version }),
		liveVersionsOf(f.orgs, func(o orgRow) int64 { return o.m.Version }))

	// Every figure of every year.
	years := map[int]bool{}
	for y := range want {
		years[y] = true
	}
	for y, agg := range f.years {
		if agg.total > 0 {
			years[y] = true
		}
	}
	for y := range years {
		w := want[y]
		if w == nil {
			w = &expected{byDim: map[string]map[string]int{}}
		}
		got := f.years[y]
		if got == nil {
			got = newYear()
		}
		res.Checked++
		if got.total != w.total {
			diff("%d: total %d live, %d recounted", y, got.total, w.total)
		}
		for m := 1; m <= 12; m++ {
			res.Checked++
			if got.byMonth[m] != w.byMonth[m] {
				diff("%d-%02d: %d live, %d recounted", y, m, got.byMonth[m], w.byMonth[m])
			}
		}
		for _, d := range dims {
			keys := map[string]bool{}
			for k := range got.byDim[d] {
				keys[k] = true
			}
			for k := range w.byDim[d] {
				keys[k] = true
			}
			for k := range keys {
				res.Checked++
				if got.byDim[d][k] != w.byDim[d][k] {
					diff("%d %s %q: %d live, %d recounted", y, d, k, got.byDim[d][k], w.byDim[d][k])
				}
			}
		}
	}
	// Bases by kind and district, each verified base once.
	for _, by := range BaseDims {
		live, _ := f.basesBy(by)
		counts := map[string]int{}
		total := 0
		for _, b := range bases {
			if b.Status != models.StatusVerified {
				continue
			}
			total++
			if by == models.ByKind {
				counts[b.Kind]++
			} else {
				counts[b.District]++
			}
		}
		res.Checked++
		if live.Total != total {
			diff("bases: total %d live, %d recounted", live.Total, total)
		}
		for _, g := range live.Groups {
			res.Checked++
			if counts[g.Key] != g.Count {
				diff("bases by %s %q: %d live, %d recounted", by, g.Key, g.Count, counts[g.Key])
			}
			delete(counts, g.Key)
		}
		for k, n := range counts {
			diff("bases by %s %q: missing live, %d recounted", by, k, n)
		}
	}
	slices.Sort(res.Differences)
	res.TookMS = time.Since(start).Milliseconds()
	return res, nil
}

// expected is one year's figures as the recount computes them.
type expected struct {
	total   int
	byMonth [13]int
	byDim   map[string]map[string]int
}

// computeRecruitment counts every year from scratch: per year and talent,
// the earliest verified high-end record.
func computeRecruitment(recs []*models.Recruitment) map[int]*expected {
	type key struct {
		year   int
		talent string
	}
	best := map[key]*models.Recruitment{}
	for _, r := range recs {
		if r.Status != models.StatusVerified || !r.IsHighEnd() {
			continue
		}
		k := key{models.DateYear(r.Date), r.CountedAs()}
		if b, ok := best[k]; !ok || cmp.Or(cmp.Compare(r.Date, b.Date), cmp.Compare(r.ID, b.ID)) < 0 {
			best[k] = r
		}
	}
	out := map[int]*expected{}
	for k, r := range best {
		e := out[k.year]
		if e == nil {
			e = &expected{byDim: map[string]map[string]int{}}
			for _, d := range dims {
				e.byDim[d] = map[string]int{}
			}
			out[k.year] = e
		}
		e.total++
		t, _ := models.ParseDate(r.Date)
		e.byMonth[t.Month()]++
		e.byDim[models.ByDistrict][r.District]++
		e.byDim[models.ByIndustry][r.Industry]++
		e.byDim[models.ByOrigin][string(r.Origin)]++
		e.byDim[models.ByLevel][levelKey(r)]++
		e.byDim[models.ByDistrictIndustry][models.PairKey(r.District, r.Industry)]++
	}
	return out
}

// versionsOf maps the raw documents' ids to their versions.
func versionsOf[T any](docs []T, of func(T) (string, int64)) map[string]int64 {
	out := make(map[string]int64, len(docs))
	for _, d := range docs {
		id, v := of(d)
		out[id] = v
	}
	return out
}

// liveVersionsOf maps the live figures' ids to the versions they reflect.
func liveVersionsOf[V any](live map[string]V, of func(V) int64) map[string]int64 {
	out := make(map[string]int64, len(live))
	for id, x := range live {
		out[id] = of(x)
	}
	return out
}
