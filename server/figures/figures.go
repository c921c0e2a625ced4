// Package figures keeps the bureau's figures in memory, exact and cheap to
// read: recruitment counts toward the targets by year and breakdown, and the
// verified bases and organisations the base and brand targets count. It is
// rebuilt from the records at start and kept current by the change feed,
// like the search index, so that every process holds the same figures and
// no request aggregates a collection (the embedded database would scan it).
//
// Counting rules (docs/counting.md, with what it leaves open decided here):
//   - a recruitment record counts when it is verified and high-end (level A,
//     B or C, or flagged high-end by the bureau);
//   - its year is the calendar year of its date as written (Shenzhen dates);
//   - a person counts at most once a year: among a person's counting records
//     of a year, the earliest (by date, then id) decides the month, district,
//     industry, origin and level the person is counted under, so every
//     breakdown sums to the total. The person is the identity document's
//     (models.Recruitment.CountedAs) when one is known — imported, or
//     linked by the creator to the profile — else the talent: an imported
//     record and a linked profile's report of one person count once;
//   - a rejected or corrected record stops counting (or moves) at once; an
//     erased talent's records keep counting under their pseudonym;
//   - a base counts once when verified, whatever its number of operators, in
//     the years from its verification on; an organisation likewise. A base's
//     operators are the organisation that registered it and the co-operators
//     that confirmed (Base.OperatorOrgIDs); one asked but not confirmed is no
//     operator, for any target, until it confirms. A target
//     that names kinds of operator (innovation bases: a university, research
//     institute or enterprise) counts a base when one of its operators is of
//     such a kind; a base run only by others (an incubator alone) does not
//     count, and the target lists it as not counted, by name, with the
//     bases verified after the year shown, so that the count can be told
//     apart from the number of verified bases of that kind.
//
// Districts and industries behind (Lagging). The year's goal is split into
// a share per key: the keys are the taxonomy's districts (industries) and
// every key counted this year or the year before; n is their number. Half
// of the goal is shared equally and half by last year's counts:
//
//	share = (last year's count / last year's total + 1/n) / 2
//
// (1/n when last year counted nobody), so a key without history still
// expects its fair half of an equal share and can lag, while the shares sum
// to 1 and the expected counts to the goal. A key's expected count by now
// is goal × share × elapsed (elapsed: the share of a year's count that
// earlier years had reached by this day; 1 for a past year), rounded to the
// nearest whole person, halves up: a person is not fractional, and rounding
// neither flags every district for a fraction of a person in the first
// days of a year (as rounding up would) nor lets a district off a whole
// person at the year's end (as rounding down would). A key lags when its
// count is below its expected count; the shortfall is expected − actual, in
// whole people. A year still ahead has no lagging key, nor has a year
// outside the goal's period (the statistics service passes no goal then).
//
// Final results. Once a target's period is over (it ended before this
// year), its result over the period is final: for a yearly goal, each
// year's count against the goal, met when every year met it; for a
// cumulative goal, the count at the end of the period's last year (bases
// verified by then), met when it reaches the goal; for a goal per
// organisation, the organisations that reach it at the end of the period,
// met when every one does.
//
// It imports models only; main wires it to the store and the feed.
package figures

import (
	"cmp"
	"context"
	"iter"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// dims are the recruitment breakdowns kept per year (month aside).
var dims = [...]string{models.ByDistrict, models.ByIndustry, models.ByOrigin, models.ByLevel, models.ByDistrictIndustry}

// rec is a recruitment record as the figures need it. The record is held
// by value, one object with the rec (attribution explains why that
// matters); it is never changed in place, so a pointer to it is a
// consistent copy.
type rec struct {
	m       *models.Recruitment
	year    int
	counts  bool // verified and high-end
	pending bool // reported and high-end
}

func newRec(r *models.Recruitment) *rec {
	return &rec{m: r, year: models.DateYear(r.Date),
		counts:  r.Status == models.StatusVerified && r.IsHighEnd(),
		pending: r.Status == models.StatusReported && r.IsHighEnd()}
}

// levelKey is the level a record is counted under; a record flagged
// high-end without a level is "flagged".
func levelKey(r *models.Recruitment) string {
	if r.Level == "" {
		return "flagged"
	}
	return string(r.Level)
}

// attribution is what a counted talent contributes to the breakdowns of a
// year, computed from the record that counts (year.attr) when it is added
// and again when it is taken back.
//
// The figures hold a million records for the life of the process, and the
// garbage collector walks all they hold in every cycle: an attribution
// kept per talent with a map of keys, a map of records per talent and a
// copy of every string per record made that walk 0.6 s of both cores at a
// million records, with searches stalling behind it every 20 s. So the
// year keeps the counting record, not its attribution; a talent's records
// are a slice (a talent has a few); and a load gives repeated strings one
// copy (interner).
type attribution struct {
	keys        [len(dims)]string // by dimension, in the order of dims
	month, yday int
}

func attributionOf(r *models.Recruitment) attribution {
	t, _ := models.ParseDate(r.Date)
	return attribution{month: int(t.Month()), yday: t.YearDay(), keys: [len(dims)]string{
		r.District, r.Industry, string(r.Origin), levelKey(r), models.PairKey(r.District, r.Industry),
	}}
}

// interner gives repeated strings one copy. Decoded records have a copy of
// each string of their own (a district, a status, a date): at a million
// records, ten million small objects for the collector to visit. Only
// for records the figures own alone (a load), before anyone else sees them.
type interner map[string]string

func (in interner) of(s string) string {
	if c, ok := in[s]; ok {
		return c
	}
	in[s] = s
	return s
}

func (in interner) record(r *models.Recruitment) {
	// The strings of its own in one allocation.
	all := r.ID + r.TalentID + r.TalentName + r.ProjectID + r.ApplicationID + r.Person + r.IDLast4 + r.ImportKey
	cut := func(s string) string {
		part := all[:len(s)]
		all = all[len(s):]
		return part
	}
	r.ID, r.TalentID, r.TalentName, r.ProjectID, r.ApplicationID = cut(r.ID), cut(r.TalentID), cut(r.TalentName), cut(r.ProjectID), cut(r.ApplicationID)
	r.Person, r.IDLast4, r.ImportKey, r.ImportID = cut(r.Person), cut(r.IDLast4), cut(r.ImportKey), in.of(r.ImportID)
	r.OrgID, r.Date, r.District, r.Industry = in.of(r.OrgID), in.of(r.Date), in.of(r.District), in.of(r.Industry)
	r.Origin, r.Level, r.Status, r.ReportedBy = models.Origin(in.of(string(r.Origin))), models.Level(in.of(string(r.Level))), models.Status(in.of(string(r.Status))), in.of(r.ReportedBy)
	if r.Decision != nil {
		r.Decision.By, r.Decision.Reason = in.of(r.Decision.By), in.of(r.Decision.Reason)
	}
}

// recList is a talent's records of one kind in a year: most talents have
// one, held in place (no allocation of its own); the others follow.
type recList struct {
	one  *rec
	more []*rec
}

// all iterates the records.
func (l recList) all() iter.Seq[*rec] {
	return func(yield func(*rec) bool) {
		if l.one != nil && !yield(l.one) {
			return
		}
		for _, r := range l.more {
			if !yield(r) {
				return
			}
		}
	}
}

func (l recList) empty() bool { return l.one == nil && len(l.more) == 0 }

// with returns the list with r in place of the record of the same id, or
// added.
func (l recList) with(r *rec) recList {
	switch {
	case l.one == nil || l.one.m.ID == r.m.ID:
		l.one = r
		return l
	}
	for i, x := range l.more {
		if x.m.ID == r.m.ID {
			l.more[i] = r
			return l
		}
	}
	l.more = append(l.more, r)
	return l
}

// without returns the list without record id.
func (l recList) without(id string) recList {
	if l.one != nil && l.one.m.ID == id {
		l.one = nil
		if len(l.more) > 0 {
			l.one, l.more = l.more[0], l.more[1:]
		}
		return l
	}
	for i, x := range l.more {
		if x.m.ID == id {
			l.more = slices.Delete(slices.Clone(l.more), i, i+1)
			return l
		}
	}
	return l
}

// year holds one calendar year's recruitment figures.
type year struct {
	counting map[string]recList // talent → its counting records
	pending  map[string]recList // talent → its reported high-end records
	attr     map[string]*rec    // talent → the record it is counted by
	total    int
	byMonth  [13]int
	byDay    [367]int
	byDim    map[string]map[string]int
}

func newYear() *year {
	y := &year{counting: map[string]recList{}, pending: map[string]recList{}, attr: map[string]*rec{}, byDim: map[string]map[string]int{}}
	for _, d := range dims {
		y.byDim[d] = map[string]int{}
	}
	return y
}

func (y *year) add(r *rec, n int) {
	a := attributionOf(r.m)
	y.total += n
	y.byMonth[a.month] += n
	y.byDay[a.yday] += n
	for i, k := range a.keys {
		d := y.byDim[dims[i]]
		d[k] += n
		if d[k] == 0 {
			delete(d, k)
		}
	}
}

// reattribute recounts one talent in the year: the earliest counting
// record decides where it counts.
func (y *year) reattribute(talent string) {
	if old, ok := y.attr[talent]; ok {
		y.add(old, -1)
		delete(y.attr, talent)
	}
	var best *rec
	for r := range y.counting[talent].all() {
		if best == nil || cmp.Or(cmp.Compare(r.m.Date, best.m.Date), cmp.Compare(r.m.ID, best.m.ID)) < 0 {
			best = r
		}
	}
	if best != nil {
		y.attr[talent] = best
		y.add(best, 1)
	}
}

// baseRow and orgRow are the bases and organisations the targets count.
type baseRow struct{ m *models.Base }
type orgRow struct{ m *models.Org }

// Figures is the in-memory aggregate. It is safe for concurrent use.
type Figures struct {
	src models.FeedSource
	now func() time.Time
	log *slog.Logger

	mu      sync.RWMutex
	recs    map[string]*rec
	years   map[int]*year
	bases   map[string]baseRow
	orgs    map[string]orgRow
	decided [2]int // verified, rejected records (for the forecast)
	asOf    time.Time
	cursor  string

	follower *models.Follower
}

// New returns empty figures following src; call Load before use.
func New(src models.FeedSource, now func() time.Time, logger *slog.Logger) *Figures {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	f := &Figures{src: src, now: now, log: logger}
	f.reset()
	f.follower = models.NewFollower(src, (*applier)(f), models.FollowerOptions{Name: "figures", Now: now, Logger: logger})
	return f
}

func (f *Figures) reset() {
	f.recs, f.years = map[string]*rec{}, map[int]*year{}
	f.bases, f.orgs = map[string]baseRow{}, map[string]orgRow{}
	f.decided = [2]int{}
}

// Load rebuilds the figures from every record, base and organisation,
// following the feed from the position it had before they were read.
func (f *Figures) Load(ctx context.Context) error {
	return f.follower.Rebuild(ctx, func(position string) error { return f.load(ctx, position) })
}

func (f *Figures) load(ctx context.Context, position string) error {
	start, began := f.now(), time.Now()
	defer debug.SetGCPercent(debug.SetGCPercent(400)) // see LoadSnapshot
	recs, bases, orgs, err := ReadAll(ctx, f.src)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reset()
	f.addAll(recs)
	for _, b := range bases {
		f.bases[b.ID] = baseRow{b}
	}
	for _, o := range orgs {
		f.orgs[o.ID] = orgRow{o}
	}
	f.cursor = position
	f.asOf = start.UTC()
	f.log.Info("figures loaded", "records", len(recs), "bases", len(bases), "orgs", len(orgs),
		"took", time.Since(began).Round(time.Millisecond).String())
	return nil
}

// ReadAll reads every recruitment record, base and organisation.
func ReadAll(ctx context.Context, src models.FeedSource) ([]*models.Recruitment, []*models.Base, []*models.Org, error) {
	var recs []*models.Recruitment
	var bases []*models.Base
	var orgs []*models.Org
	err := src.Docs(ctx, models.CollRecruitments, func(d any) error { recs = append(recs, d.(*models.Recruitment)); return nil })
	if err == nil {
		err = src.Docs(ctx, models.CollBases, func(d any) error { bases = append(bases, d.(*models.Base)); return nil })
	}
	if err == nil {
		err = src.Docs(ctx, models.CollOrgs, func(d any) error { orgs = append(orgs, d.(*models.Org)); return nil })
	}
	return recs, bases, orgs, err
}

func (f *Figures) yearOf(n int) *year {
	y, ok := f.years[n]
	if !ok {
		y = newYear()
		f.years[n] = y
	}
	return y
}

// addAll adds records to empty figures, as setRec would one by one, but
// with each talent's attribution computed once at the end: at a million
// records the recounts after each record were most of a load's time.
// Call with f.mu held.
func (f *Figures) addAll(recs []*models.Recruitment) {
	f.recs = make(map[string]*rec, len(recs))
	in := interner{}
	for _, r := range recs {
		in.record(r)
		f.place(r)
	}
	// A year's attributions touch that year alone: the years on all the
	// cores (at a million records this was 1.4 s of a 3 s build on one).
	var wg sync.WaitGroup
	for _, y := range f.years {
		wg.Go(func() {
			for t := range y.counting {
				y.reattribute(t)
			}
		})
	}
	wg.Wait()
}

// setRec replaces record id with r (nil deletes it) and recounts the talents
// and years it touches. Call with f.mu held.
func (f *Figures) setRec(id string, r *models.Recruitment) {
	type key struct {
		year   int
		talent string
	}
	touched := map[key]bool{}
	if old, ok := f.recs[id]; ok {
		y := f.yearOf(old.year)
		t := old.m.CountedAs()
		if l := y.counting[t].without(id); l.empty() {
			delete(y.counting, t)
		} else {
			y.counting[t] = l
		}
		if l := y.pending[t].without(id); l.empty() {
			delete(y.pending, t)
		} else {
			y.pending[t] = l
		}
		f.countDecision(old.m, -1)
		delete(f.recs, id)
		touched[key{old.year, t}] = true
	}
	if r != nil {
		nr := f.place(r)
		touched[key{nr.year, r.CountedAs()}] = true
	}
	for k := range touched {
		f.yearOf(k.year).reattribute(k.talent)
	}
}

// place adds record r to the records, its talent's lists in its year and
// the decisions' counts, leaving the attribution to the caller. Call with
// f.mu held.
func (f *Figures) place(r *models.Recruitment) *rec {
	nr := newRec(r)
	f.recs[r.ID] = nr
	y := f.yearOf(nr.year)
	t := r.CountedAs()
	if nr.counts {
		y.counting[t] = y.counting[t].with(nr)
	}
	if nr.pending {
		y.pending[t] = y.pending[t].with(nr)
	}
	f.countDecision(r, 1)
	return nr
}

func (f *Figures) countDecision(r *models.Recruitment, n int) {
	switch r.Status {
	case models.StatusVerified:
		f.decided[0] += n
	case models.StatusRejected:
		f.decided[1] += n
	}
}

// apply sets one document (nil doc: deleted) of a collection the figures
// follow. Call with f.mu held.
func (f *Figures) apply(coll, id string, doc any) {
	switch coll {
	case models.CollRecruitments:
		r, _ := doc.(*models.Recruitment)
		f.setRec(id, r)
	case models.CollBases:
		if b, ok := doc.(*models.Base); ok {
			f.bases[id] = baseRow{b}
		} else {
			delete(f.bases, id)
		}
	case models.CollOrgs:
		if o, ok := doc.(*models.Org); ok {
			f.orgs[id] = orgRow{o}
		} else {
			delete(f.orgs, id)
		}
	}
}

func follows(coll string) bool {
	return coll == models.CollRecruitments || coll == models.CollBases || coll == models.CollOrgs
}

// version returns the version the figures hold of a document (0: none).
func (f *Figures) version(coll, id string) int64 {
	switch coll {
	case models.CollRecruitments:
		if r, ok := f.recs[id]; ok {
			return r.m.Version
		}
	case models.CollBases:
		if b, ok := f.bases[id]; ok {
			return b.m.Version
		}
	case models.CollOrgs:
		if o, ok := f.orgs[id]; ok {
			return o.m.Version
		}
	}
	return 0
}

// Observe applies a change made by this process, with its document, before
// the write is answered. It is registered with the store.
func (f *Figures) Observe(_ context.Context, c models.Change) {
	if !follows(c.Coll) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.Deleted {
		f.apply(c.Coll, c.ID, nil)
	} else if c.Doc != nil && f.version(c.Coll, c.ID) < c.Version {
		f.apply(c.Coll, c.ID, c.Doc)
	}
	f.asOf = f.now().UTC()
}

// CatchUp applies the feed's changes since the cursor (re-reading an
// overlap window), bringing every document it names to the database's
// state, and returns how many it applied.
func (f *Figures) CatchUp(ctx context.Context) (int, error) { return f.follower.CatchUp(ctx) }

// Follow catches up every interval until ctx ends, and reconciles with
// the database after entries were missed and every reconcileEvery (a
// feed entry lost between a write and its record, on the embedded
// database; a change rolled back on a replica set).
func (f *Figures) Follow(ctx context.Context, interval, reconcileEvery time.Duration) {
	f.follower.Follow(ctx, interval, reconcileEvery)
}

// Reconcile compares the figures' records, bases and organisations with
// the database's by id and version and fixes every difference; it returns
// how many documents it fixed.
func (f *Figures) Reconcile(ctx context.Context) (int, error) { return f.follower.Resync(ctx) }

// applier is the figures as the feed's follower keeps them
// (models.FeedApplier): they hold records, bases and organisations by
// version, and resynchronise by comparing versions with the database's.
type applier Figures

func (a *applier) Follows(coll string) bool { return follows(coll) }

func (a *applier) HeldVersion(coll, id string) (int64, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return (*Figures)(a).version(coll, id), nil
}

func (a *applier) Apply(_ context.Context, docs []models.FeedDoc, cursor string) error {
	f := (*Figures)(a)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range docs {
		// The database's state now, unless a local write overtook it.
		if d.Doc == nil || f.version(d.Coll, d.ID) < versionOf(d.Doc) {
			f.apply(d.Coll, d.ID, d.Doc)
		}
	}
	if cursor > f.cursor {
		f.cursor = cursor
	}
	return nil
}

func (a *applier) Resync(ctx context.Context, position string) (int, error) {
	f := (*Figures)(a)
	fixed, err := resync(ctx, f.src, &f.mu, []string{models.CollRecruitments, models.CollBases, models.CollOrgs}, f.versions, f.version, f.apply)
	if err != nil {
		return fixed, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cursor = max(f.cursor, position)
	f.asOf = f.now().UTC()
	return fixed, nil
}

// resync compares the version held of every document of colls with the
// database's and re-reads each that differs, is missing or is gone: what a
// tally does when the feed may have lost entries. versions, version and
// apply are the tally's, called with mu held.
func resync(ctx context.Context, src models.FeedSource, mu *sync.RWMutex, colls []string,
	versions func(coll string) map[string]int64, version func(coll, id string) int64, apply func(coll, id string, doc any)) (int, error) {
	fixed := 0
	for _, coll := range colls {
		// What the tally holds before the scan: a document written after
		// it began is either seen by the scan or applied by its observer,
		// and either way not taken for deleted.
		mu.RLock()
		held := versions(coll)
		mu.RUnlock()
		type stale struct {
			id   string
			held int64
		}
		var diff []stale
		err := src.Versions(ctx, coll, func(dv models.DocVersion) error {
			v, ok := held[dv.ID]
			delete(held, dv.ID)
			if !ok || v != dv.Version {
				diff = append(diff, stale{dv.ID, v})
			}
			return nil
		})
		if err != nil {
			return fixed, err
		}
		for id, v := range held {
			diff = append(diff, stale{id, v}) // held, gone from the database
		}
		for _, d := range diff {
			doc, err := src.Doc(ctx, coll, d.id)
			switch {
			case models.IsCode(err, models.CodeNotFound):
				doc = nil
			case err != nil:
				return fixed, err
			}
			mu.Lock()
			// Unless a local write moved it meanwhile: the database's
			// state wins, even over a newer version held (a write a
			// replica set rolled back).
			if version(coll, d.id) == d.held {
				apply(coll, d.id, doc)
				fixed++
			}
			mu.Unlock()
		}
	}
	return fixed, nil
}

// versions returns the id and version of every document of coll the
// figures hold. Call with f.mu held.
func (f *Figures) versions(coll string) map[string]int64 {
	var out map[string]int64
	switch coll {
	case models.CollRecruitments:
		out = make(map[string]int64, len(f.recs))
		for id, r := range f.recs {
			out[id] = r.m.Version
		}
	case models.CollBases:
		out = make(map[string]int64, len(f.bases))
		for id, b := range f.bases {
			out[id] = b.m.Version
		}
	case models.CollOrgs:
		out = make(map[string]int64, len(f.orgs))
		for id, o := range f.orgs {
			out[id] = o.m.Version
		}
	default:
		out = map[string]int64{}
	}
	return out
}

func (a *applier) Cursor() (string, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cursor, nil
}

func (a *applier) Caught(cursor string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asOf = a.now().UTC()
	if cursor > a.cursor {
		a.cursor = cursor
	}
	return nil
}

func versionOf(doc any) int64 {
	switch d := doc.(type) {
	case *models.Recruitment:
		return d.Version
	case *models.Base:
		return d.Version
	case *models.Org:
		return d.Version
	}
	return 0
}
