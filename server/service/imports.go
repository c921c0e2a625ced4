package service

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/intake"
)

// Imports implements models.ImportService: the bureau's spreadsheets of
// organisations, bases and recruitment records, and organisations' lists
// of their own hires.
//
// The rules:
//   - All or nothing: every row is checked (the file by intake, then the
//     organisations it names and who may import them) before anything is
//     written; a file with one problem changes nothing, and a dry run
//     reports what the file would do.
//   - Idempotent: a row is known by what it describes (a recruitment by the
//     person's identity document, the organisation and the date; an
//     organisation by its name; a base by its name and district), never by
//     the file it came in. A row seen before with the same content is
//     unchanged; with other content it is a recorded change (a
//     recruitment's correction, an organisation's or base's audit entry
//     with before and after), never a silent overwrite.
//   - A recruitment's record id is derived from its row key, so an import
//     cut off between its writes completes when the same file is imported
//     again: nothing is made twice.
//   - What the bureau imports is its own data: records, organisations and
//     bases are created verified. An organisation's import is a report like
//     any other (reported, for the bureau to verify); a change it imports
//     to a decided record sends the record back to the bureau.
//   - The person of an imported record is known only by the keyed hash of
//     the document (models.PersonKey) and its last four characters.
type Imports struct {
	Deps
	// one lets one import at a time plan and write in this process: two
	// files naming one new organisation would otherwise both create it.
	one sync.Mutex

	mu       sync.Mutex
	progress map[string]*models.ImportProgress // by actor, while running
}

var _ models.ImportService = (*Imports)(nil)

// NewImports returns the import service.
func NewImports(d Deps) *Imports {
	d.defaults()
	return &Imports{Deps: d, progress: map[string]*models.ImportProgress{}}
}

// Progress implements models.ImportService.
func (s *Imports) Progress(ctx context.Context, actor *models.User) (*models.ImportProgress, error) {
	if err := models.Permit(actor, models.ActImport); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.progress[actor.ID]; ok {
		cp := *p
		return &cp, nil
	}
	return &models.ImportProgress{}, nil
}

// step records how far the actor's import is.
func (s *Imports) step(actor *models.User, fn func(p *models.ImportProgress)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.progress[actor.ID]; ok {
		fn(p)
	}
}

// importLock is the lock of the database's imports; an import of 100,000
// rows takes about a minute here, and a lock left by a process that died
// is free again after importLockTTL.
const (
	importLock    = "imports"
	importLockTTL = 10 * time.Minute
)

// importer is who imports: the bureau (own nil) or an organisation.
type importer struct {
	actor  *models.User
	own    *models.Org
	secret []byte
}

func (s *Imports) importer(ctx context.Context, actor *models.User, kind string) (*importer, error) {
	if !slices.Contains(models.ImportKinds, kind) {
		return nil, models.Errorf(models.CodeNotFound, "no such kind of import: the kinds are %s", strings.Join(models.ImportKinds, ", "))
	}
	if err := models.Permit(actor, models.ActImport); err != nil {
		return nil, err
	}
	if kind != models.ImportRecruitments {
		if err := models.Permit(actor, models.ActImportDirectory); err != nil {
			return nil, err
		}
	}
	im := &importer{actor: actor}
	if models.Permit(actor, models.ActActForOrg) == nil {
		// A member imports the hires of its own organisation only.
		own, err := s.memberOrg(ctx, actor, models.ActReport, "import recruitment records")
		if err != nil {
			return nil, err
		}
		im.own = own
	}
	secret, err := s.Store.Secret(ctx, models.SecretPersonKey)
	if err != nil {
		return nil, err
	}
	im.secret = secret
	return im, nil
}

// Template implements models.ImportService.
func (s *Imports) Template(ctx context.Context, actor *models.User, kind, lang string) ([]byte, error) {
	if _, err := s.importer(ctx, actor, kind); err != nil {
		return nil, err
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	if lang != models.LangEN {
		lang = "zh"
	}
	return intake.Template(intake.Kind(kind), lang, tax)
}

// List implements models.ImportService.
func (s *Imports) List(ctx context.Context, actor *models.User, page models.Page) (*models.List[*models.ImportReport], error) {
	if err := models.Permit(actor, models.ActImport); err != nil {
		return nil, err
	}
	orgID := "" // the bureau's list has every import, a member's its organisation's
	if !staff(actor) {
		orgID = actor.OrgID
	}
	items, total, err := s.Store.Imports(ctx, orgID, page)
	if err != nil {
		return nil, err
	}
	return &models.List[*models.ImportReport]{Items: items, Total: total, Page: page.Page, PerPage: page.PerPage}, nil
}

// fileName keeps what a person recognises of an uploaded file's name: its
// base name, one line, at most 200 characters.
func fileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

// plan is what an import would do: the lines, the problems, and the writes
// that apply it.
type plan struct {
	rep    *models.ImportReport
	writes []func(ctx context.Context) error
	size   int // the writes' records, for the progress
}

func (p *plan) problem(row int, column string, rule models.Rule, param, format string, args ...any) {
	p.rep.Errors = append(p.rep.Errors, models.ImportProblem{Row: row, Column: column, Code: rule, Param: param, Message: fmt.Sprintf(format, args...)})
}

func (p *plan) line(l models.ImportLine) {
	p.rep.Lines = append(p.rep.Lines, l)
	switch l.Outcome {
	case models.RowCreated:
		p.rep.Created++
	case models.RowUpdated:
		p.rep.Updated++
	case models.RowUnchanged:
		p.rep.Unchanged++
	}
}

// Import implements models.ImportService.
func (s *Imports) Import(ctx context.Context, actor *models.User, in models.ImportInput) (*models.ImportReport, error) {
	return s.run(ctx, actor, in, nil, false)
}

// run imports in.Data; resumed is the journal of the import it finishes
// (nil for a new one), under the same id; takeOver releases the lock the
// run cut off held (ResumeCutOff).
func (s *Imports) run(ctx context.Context, actor *models.User, in models.ImportInput, resumed *models.ImportJournal, takeOver bool) (*models.ImportReport, error) {
	im, err := s.importer(ctx, actor, in.Kind)
	if err != nil {
		return nil, err
	}
	in.OnBehalf = strings.TrimSpace(in.OnBehalf)
	switch {
	case im.own != nil && in.OnBehalf != "":
		return nil, fieldError("on_behalf", models.RuleUnknown, "is for the bureau, importing the list of a district or park")
	case utf8.RuneCountInString(in.OnBehalf) > 100 || strings.ContainsFunc(in.OnBehalf, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return nil, models.FieldProblem(models.CodeValidation, "on_behalf", models.RuleMaxChars, "100", "must be one line of at most 100 characters")
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if _, busy := s.progress[actor.ID]; busy {
		s.mu.Unlock()
		return nil, models.Errorf(models.CodeConflict, "you have an import running; wait for it to end")
	}
	s.progress[actor.ID] = &models.ImportProgress{Running: true, Kind: in.Kind, File: fileName(in.File), DryRun: in.DryRun,
		Phase: models.PhaseReading, Started: s.now()}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.progress, actor.ID)
		s.mu.Unlock()
	}()
	s.one.Lock()
	defer s.one.Unlock()
	// Other processes of the database (on MongoDB) import too: one at a
	// time across them, for the same reason.
	owner := newObjectID(s.now())
	if resumed != nil && resumed.LockOwner != "" && takeOver {
		// The run cut off held the lock until it expires; on a database
		// one process serves, that run is dead.
		if err := s.Store.Unlock(ctx, importLock, resumed.LockOwner); err != nil {
			return nil, err
		}
	}
	switch ok, err := s.Store.TryLock(ctx, importLock, owner, importLockTTL); {
	case err != nil:
		return nil, err
	case !ok:
		return nil, &models.Error{Code: models.CodeConflict, Message: "another import is running; try again in a minute", RetryAfter: time.Minute}
	}
	defer func() {
		if err := s.Store.Unlock(context.WithoutCancel(ctx), importLock, owner); err != nil {
			s.Logger.WarnContext(ctx, "imports: the lock was not given back; it expires by itself", "error", err)
		}
	}()
	res, err := intake.Options{KeySecret: im.secret}.Parse(in.Data, intake.Kind(in.Kind), tax)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(in.Data)
	rep := &models.ImportReport{Kind: in.Kind, DryRun: in.DryRun, File: fileName(in.File), SHA256: hex.EncodeToString(sum[:]),
		Format: res.Format, Rows: res.Rows, By: actor.ID, OnBehalf: in.OnBehalf, At: s.now(), Truncated: res.Truncated,
		Errors: make([]models.ImportProblem, 0, len(res.Problems)), Lines: []models.ImportLine{}}
	if im.own != nil {
		rep.OrgID = im.own.ID
	}
	// The import's id is known before its writes, which the records name.
	rep.ID = newObjectID(s.now())
	if resumed != nil {
		rep.ID, rep.At = resumed.ID, resumed.At
	}
	for _, p := range res.Problems {
		rep.Errors = append(rep.Errors, models.ImportProblem{Row: p.Row, Column: p.Column, Code: p.Code, Param: p.Param, Message: p.Message})
	}
	s.step(actor, func(pr *models.ImportProgress) { pr.Phase, pr.Total = models.PhaseChecking, rep.Rows })
	p := &plan{rep: rep}
	switch in.Kind {
	case models.ImportRecruitments:
		err = s.planRecruitments(ctx, im, res, p)
	case models.ImportOrgs:
		err = s.planOrgs(ctx, im, res, p)
	case models.ImportBases:
		err = s.planBases(ctx, im, res, p)
	}
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rep.Errors, func(a, b models.ImportProblem) int { return a.Row - b.Row })
	bad := map[int]bool{}
	for _, e := range rep.Errors {
		bad[e.Row] = true
	}
	rep.OK = rep.Rows
	for row := range bad {
		if row > 1 {
			rep.OK--
		}
	}
	if len(rep.Errors) > 0 || rep.Truncated {
		// Nothing is written; the lines say what the good rows would do.
		rep.Created, rep.Updated, rep.Unchanged = 0, 0, 0
		return rep, importRefused(rep)
	}
	if in.DryRun {
		rep.ID = ""
		return rep, nil
	}
	if in.Kind != models.ImportRecruitments {
		p.size = len(p.writes)
	}
	s.step(actor, func(pr *models.ImportProgress) { pr.Phase, pr.Total = models.PhaseWriting, p.size })
	if resumed == nil {
		// Journaled with its file before the first write: cut off, it is
		// finished at the next start.
		if err := s.Store.BeginImport(ctx, &models.ImportJournal{ID: rep.ID, Kind: in.Kind, File: rep.File,
			Data: in.Data, By: actor.ID, OnBehalf: in.OnBehalf, Lang: in.Lang, LockOwner: owner, At: rep.At}); err != nil {
			return nil, err
		}
	}
	for _, w := range p.writes {
		if err := w(ctx); err != nil {
			return nil, err
		}
		if in.Kind != models.ImportRecruitments {
			s.step(actor, func(pr *models.ImportProgress) { pr.Done++ })
		}
	}
	switch err := s.Store.RecordImport(ctx, rep); {
	case resumed != nil && models.IsCode(err, models.CodeConflict):
		// The run cut off recorded it, and was cut off before it ended
		// its journal: audited already.
	case err != nil:
		return nil, err
	default:
		s.audit(ctx, actor, models.AuditImport, models.KindImport, rep.ID, nil, map[string]any{
			"kind": rep.Kind, "file": rep.File, "sha256": rep.SHA256, "rows": rep.Rows, "created": rep.Created,
			"updated": rep.Updated, "unchanged": rep.Unchanged, "on_behalf": rep.OnBehalf, "org_id": rep.OrgID}, "")
	}
	if err := s.Store.EndImport(context.WithoutCancel(ctx), rep.ID); err != nil {
		// Finished again at the next start, which makes nothing twice.
		s.Logger.WarnContext(ctx, "imports: the journal of a finished import was not cleared", "import_id", rep.ID, "error", err)
	}
	return rep, nil
}

// ResumeCutOff finishes the imports a crash cut off, from the files their
// journals keep, as the accounts that started them: the rows already
// written are found again and nothing is made twice (each record's id
// comes from its row), the rest is written, and the report recorded.
// takeOver says that this process alone serves the database (the embedded
// one), so the imports' lock a cut-off run held is its own to release;
// otherwise (MongoDB, several processes) it waits for the lock to expire
// or for the process that holds it to finish. It returns how many
// imports it finished; one it cannot finish (its account gone, or a row no
// longer valid) stays journaled and is logged.
func (s *Imports) ResumeCutOff(ctx context.Context, takeOver bool, retry time.Duration) (int, error) {
	done := 0
	for {
		js, err := s.Store.UnfinishedImports(ctx)
		if err != nil {
			return done, err
		}
		waiting := false
		for _, j := range js {
			if !j.Complete {
				// Cut off while its file was journaled: before any write.
				if err := s.Store.EndImport(ctx, j.ID); err != nil {
					return done, err
				}
				continue
			}
			u, err := s.Store.User(ctx, j.By)
			if err != nil && ctx.Err() != nil {
				return done, ctx.Err()
			}
			if models.IsCode(err, models.CodeUnavailable) {
				waiting = true
				continue
			}
			if models.IsCode(err, models.CodeNotFound) {
				// Nobody can finish it, and the file it keeps names people
				// (their documents' numbers): dropped. The rows written
				// stay; the same file imported again writes the rest.
				s.Logger.ErrorContext(ctx, "imports: an import cut off cannot be finished: its account is gone; its journal and file are dropped (import the file again)",
					"import_id", j.ID, "file", j.File, "error", err)
				if err := s.Store.EndImport(ctx, j.ID); err != nil {
					return done, err
				}
				continue
			}
			if err != nil {
				s.Logger.ErrorContext(ctx, "imports: an import cut off cannot be finished: its account cannot be read", "import_id", j.ID, "error", err)
				continue
			}
			rep, err := s.run(ctx, u, models.ImportInput{Kind: j.Kind, File: j.File, Data: j.Data, OnBehalf: j.OnBehalf, Lang: j.Lang}, j, takeOver)
			switch {
			case models.IsCode(err, models.CodeConflict):
				waiting = true // the lock is held: another run, or one that has not expired
			case err != nil && ctx.Err() != nil:
				// Stopped, not failed: the next start finishes it.
				return done, ctx.Err()
			case models.IsCode(err, models.CodeUnavailable):
				// The database did not answer in time (the driver gives
				// up a little before a deadline, while ctx.Err() is still
				// nil): tried again, not given up until the next start.
				s.Logger.WarnContext(ctx, "imports: an import cut off waits for the database", "import_id", j.ID, "error", err)
				waiting = true
			case err != nil && s.now().Sub(j.At) > importJournalKept && (models.IsCode(err, models.CodeValidation) ||
				models.IsCode(err, models.CodeForbidden) || models.IsCode(err, models.CodeBadRequest)):
				// A file that no longer passes its checks (a taxonomy
				// changed since) is kept a while for an operator to look
				// at, not for ever: it names people.
				s.Logger.ErrorContext(ctx, "imports: an import cut off was not finished and is too old to keep; its journal and file are dropped (import the file again)",
					"import_id", j.ID, "file", j.File, "at", j.At, "error", err)
				if err := s.Store.EndImport(ctx, j.ID); err != nil {
					return done, err
				}
			case err != nil:
				s.Logger.ErrorContext(ctx, "imports: an import cut off was not finished", "import_id", j.ID, "file", j.File, "error", err)
			default:
				done++
				s.Logger.InfoContext(ctx, "imports: finished an import cut off", "import_id", j.ID, "file", j.File,
					"created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged)
			}
		}
		if !waiting {
			return done, nil
		}
		select {
		case <-ctx.Done():
			return done, ctx.Err()
		case <-time.After(retry):
		}
	}
}

// importJournalKept is how long the journal of a cut-off import that
// cannot be finished is kept, with its file, for an operator to look at.
const importJournalKept = 7 * 24 * time.Hour

func importRefused(rep *models.ImportReport) error {
	return &models.Error{Code: models.CodeValidation,
		Message: fmt.Sprintf("the file has problems in %d of its %d rows; nothing was imported", rep.Rows-rep.OK, rep.Rows)}
}

// newObjectID makes an id of the database's form (4 bytes of time, 8
// random), for a record named before it is written.
func newObjectID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

// rowKey is the identity of what a row describes, under the secret.
func rowKey(secret []byte, kind string, parts ...string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(kind))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// recordID is the id of the record a recruitment row makes: derived from
// its key, so that the same row always makes the same record.
func recordID(secret []byte, key string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("record\x00" + key))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// orgIndex finds organisations by id or name for the rows.
type orgIndex struct {
	byID   map[string]*models.Org
	byName map[string][]*models.Org
}

func (s *Imports) orgIndex(ctx context.Context) (*orgIndex, error) {
	orgs, err := s.Store.AllOrgs(ctx)
	if err != nil {
		return nil, err
	}
	x := &orgIndex{byID: map[string]*models.Org{}, byName: map[string][]*models.Org{}}
	for _, o := range orgs {
		x.byID[o.ID] = o
		k := intake.Fold(o.Name)
		x.byName[k] = append(x.byName[k], o)
	}
	return x, nil
}

// find resolves a reference; a problem otherwise.
func (x *orgIndex) find(p *plan, row int, column string, ref intake.OrgRef) *models.Org {
	if ref.ID != "" {
		if o := x.byID[ref.ID]; o != nil {
			return o
		}
		p.problem(row, column, models.RuleNoSuch, ref.ID, "no organisation has the id %s", ref.ID)
		return nil
	}
	switch found := x.byName[intake.Fold(ref.Name)]; len(found) {
	case 1:
		return found[0]
	case 0:
		p.problem(row, column, models.RuleNoSuch, ref.Name, "no organisation is called %q: register it (or import it) first, or write its id", ref.Name)
	default:
		ids := make([]string, len(found))
		for i, o := range found {
			ids[i] = o.ID
		}
		p.problem(row, column, models.RuleAmbiguous, strings.Join(ids, ", "), "%d organisations are called %q: write the id of the one meant (%s)", len(found), ref.Name, strings.Join(ids, ", "))
	}
	return nil
}

func (s *Imports) planRecruitments(ctx context.Context, im *importer, res *intake.Result, p *plan) error {
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	col := res.Columns
	type row struct {
		r   intake.RecruitmentRow
		org *models.Org
		key string
		rec *models.Recruitment
	}
	rows := make([]row, 0, len(res.Recruitments))
	seen := map[string]int{}
	for _, r := range res.Recruitments {
		o := orgs.find(p, r.Line, col["org"], r.Org)
		if o == nil {
			continue
		}
		if im.own != nil && o.ID != im.own.ID {
			p.problem(r.Line, col["org"], models.RuleNotOwnOrg, "", "%q is another organisation: you import your own organisation's hires only", o.Name)
			continue
		}
		person := models.PersonKey(im.secret, string(r.IDType), r.IDNumber.Reveal())
		key := rowKey(im.secret, models.ImportRecruitments, person, o.ID, r.Date)
		if first, dup := seen[key]; dup {
			p.problem(r.Line, col["id_number"], models.RuleRepeated, strconv.Itoa(first), "repeats row %d (the same person, organisation and date)", first)
			continue
		}
		seen[key] = r.Line
		rec := &models.Recruitment{ID: recordID(im.secret, key), TalentID: person, TalentName: r.PersonName, OrgID: o.ID, Date: r.Date,
			Origin: r.Origin, Level: r.Level, District: r.District, Industry: r.Industry, Status: models.StatusReported,
			ReportedBy: im.actor.ID, Person: person, IDLast4: models.Last4(r.IDNumber.Reveal()), ImportID: p.rep.ID, ImportKey: key,
			Corrections: []models.Correction{}}
		if im.own == nil {
			rec.Status = models.StatusVerified
			rec.Decision = &models.Decision{By: im.actor.ID, At: s.now(), Reason: importReason(p.rep, r.Line)}
		}
		rows = append(rows, row{r: r, org: o, key: key, rec: rec})
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	known, err := s.Store.ImportRows(ctx, models.ImportRecruitments, keys)
	if err != nil {
		return err
	}
	var fresh []*models.Recruitment
	var saved []models.ImportRow
	for _, r := range rows {
		label := fmt.Sprintf("%s · ****%s · %s · %s", r.r.PersonName, r.rec.IDLast4, r.org.Name, r.r.Date)
		had, ok := known[r.key]
		switch {
		case ok && had.Hash == r.r.Hash:
			p.line(models.ImportLine{Row: r.r.Line, Outcome: models.RowUnchanged, Label: label, RecordID: had.RecordID})
			continue
		case ok:
			cur, err := s.Store.Recruitment(ctx, had.RecordID)
			if err == nil {
				changes := fieldChanges(importedFields(cur), importedFields(r.rec))
				p.line(models.ImportLine{Row: r.r.Line, Outcome: models.RowUpdated, Label: label, RecordID: cur.ID, Changes: changes})
				saved = append(saved, models.ImportRow{Key: r.key, RecordID: cur.ID, Hash: r.r.Hash})
				p.writes = append(p.writes, s.correctFromImport(im, p.rep, r.r.Line, cur.ID, r.rec))
				continue
			}
			if !models.IsCode(err, models.CodeNotFound) {
				return err
			}
			// Withdrawn since: the row makes it again.
		}
		p.line(models.ImportLine{Row: r.r.Line, Outcome: models.RowCreated, Label: label, RecordID: r.rec.ID})
		fresh = append(fresh, r.rec)
		saved = append(saved, models.ImportRow{Key: r.key, RecordID: r.rec.ID, Hash: r.r.Hash})
	}
	// The new records first, a few thousand at a time so that the
	// progress moves; the corrections after.
	var creates []func(context.Context) error
	for from := 0; from < len(fresh); from += 5000 {
		part := fresh[from:min(from+5000, len(fresh))]
		creates = append(creates, func(ctx context.Context) error {
			if err := s.Store.CreateRecruitments(ctx, part); err != nil {
				return err
			}
			s.step(im.actor, func(pr *models.ImportProgress) { pr.Done += len(part) })
			return nil
		})
	}
	p.writes = append(creates, p.writes...)
	p.size = len(fresh)
	p.writes = append(p.writes, func(ctx context.Context) error { return s.Store.SaveImportRows(ctx, models.ImportRecruitments, saved) })
	return nil
}

func importReason(rep *models.ImportReport, line int) string {
	return fmt.Sprintf("import %s of %q (SHA-256 %s…), row %d", rep.ID, rep.File, rep.SHA256[:12], line)
}

// importedFields are the fields of a record that a recruitment row sets
// (its key aside: the person, organisation and date).
func importedFields(r *models.Recruitment) map[string]any {
	return map[string]any{"talent_name": r.TalentName, "origin": string(r.Origin), "level": string(r.Level),
		"district": r.District, "industry": r.Industry}
}

// correctFromImport is the write of a changed row: the fields set, the
// change recorded as a correction (and audited); an organisation's change
// to a decided record sends it back to the bureau.
func (s *Imports) correctFromImport(im *importer, rep *models.ImportReport, line int, id string, next *models.Recruitment) func(context.Context) error {
	return func(ctx context.Context) error {
		var before, after map[string]any
		r, err := s.Store.UpdateRecruitment(ctx, id, 0, func(r *models.Recruitment) error {
			b := recordFields(r)
			b["talent_name"] = r.TalentName
			r.TalentName, r.Origin, r.Level, r.District, r.Industry = next.TalentName, next.Origin, next.Level, next.District, next.Industry
			if im.own != nil && r.Status != models.StatusReported {
				r.Status, r.Decision = models.StatusReported, nil
			}
			a := recordFields(r)
			a["talent_name"] = r.TalentName
			before, after = changedFields(b, a)
			if len(after) > 0 {
				r.Corrections = append(r.Corrections, models.Correction{At: s.now(), By: im.actor.ID, Reason: importReason(rep, line), Before: before, After: after})
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(after) > 0 {
			s.audit(ctx, im.actor, models.AuditRecruitmentCorrect, models.KindRecruitment, r.ID, before, after, importReason(rep, line))
		}
		return nil
	}
}

// matched is how a row of organisations or bases meets what exists: what
// it would be made as, which fields the file sets, and the store's writes.
type matched[M any] struct {
	kind   models.Kind
	action string
	idOf   func(*M) string
	fields func(*M) map[string]any
	set    func(dst, src *M)
	create func(context.Context, *M) error
	update func(ctx context.Context, id string, fn func(*M) error) (*M, error)
}

// plan plans one row: made when nothing has its name, changed when one has
// (the fields that differ, audited before and after), unchanged when they
// are all the same. It reports false when several have its name.
func (m matched[M]) plan(s *Imports, im *importer, p *plan, line int, label string, found []*M, fresh *M) bool {
	reason := importReason(p.rep, line)
	switch len(found) {
	case 0:
		p.line(models.ImportLine{Row: line, Outcome: models.RowCreated, Label: label})
		p.writes = append(p.writes, func(ctx context.Context) error {
			// A run cut off after this write finds the row by its name the
			// next time: unchanged, not made twice.
			if err := m.create(ctx, fresh); err != nil {
				return err
			}
			s.audit(ctx, im.actor, m.action, m.kind, m.idOf(fresh), nil, m.fields(fresh), reason)
			return nil
		})
	case 1:
		cur := found[0]
		next := *cur
		m.set(&next, fresh)
		changes := fieldChanges(m.fields(cur), m.fields(&next))
		if len(changes) == 0 {
			p.line(models.ImportLine{Row: line, Outcome: models.RowUnchanged, Label: label, RecordID: m.idOf(cur)})
			return true
		}
		p.line(models.ImportLine{Row: line, Outcome: models.RowUpdated, Label: label, RecordID: m.idOf(cur), Changes: changes})
		p.writes = append(p.writes, func(ctx context.Context) error {
			var before, after map[string]any
			_, err := m.update(ctx, m.idOf(cur), func(x *M) error {
				before = m.fields(x)
				m.set(x, fresh)
				after = m.fields(x)
				return nil
			})
			if err != nil {
				return err
			}
			s.audit(ctx, im.actor, m.action, m.kind, m.idOf(cur), before, after, reason)
			return nil
		})
	default:
		return false
	}
	return true
}

func (s *Imports) planOrgs(ctx context.Context, im *importer, res *intake.Result, p *plan) error {
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	m := matched[models.Org]{kind: models.KindOrg, action: models.AuditOrgImport, idOf: func(o *models.Org) string { return o.ID }, fields: orgFields,
		set: func(dst, src *models.Org) {
			dst.Kind, dst.District, dst.Industries, dst.Flags = src.Kind, src.District, src.Industries, src.Flags
		},
		create: s.Store.CreateOrg,
		update: func(ctx context.Context, id string, fn func(*models.Org) error) (*models.Org, error) {
			return s.Store.UpdateOrg(ctx, id, 0, fn)
		}}
	for _, r := range res.Orgs {
		in := r.OrgInput
		in.Normalize()
		fresh := &models.Org{Name: in.Name, Kind: in.Kind, District: in.District, Industries: nonNil(in.Industries), Flags: nonNil(in.Flags),
			Status: models.StatusVerified, Decision: &models.Decision{By: im.actor.ID, At: s.now(), Reason: importReason(p.rep, r.Line)},
			MemberIDs: []string{}, ManagerIDs: []string{}}
		if found := orgs.byName[intake.Fold(in.Name)]; !m.plan(s, im, p, r.Line, in.Name, found, fresh) {
			p.problem(r.Line, res.Columns["name"], models.RuleAmbiguous, "", "%d organisations are called %q; correct them one by one", len(found), in.Name)
		}
	}
	return nil
}

func (s *Imports) planBases(ctx context.Context, im *importer, res *intake.Result, p *plan) error {
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	bases, err := s.Store.AllBases(ctx)
	if err != nil {
		return err
	}
	byKey := map[string][]*models.Base{}
	for _, b := range bases {
		k := intake.Fold(b.Name) + "\x00" + b.District
		byKey[k] = append(byKey[k], b)
	}
	m := matched[models.Base]{kind: models.KindBase, action: models.AuditBaseImport, idOf: func(b *models.Base) string { return b.ID }, fields: baseFields,
		set: func(dst, src *models.Base) {
			dst.Kind, dst.Industries, dst.OperatorOrgIDs, dst.EstablishedOn, dst.Capacity = src.Kind, src.Industries, src.OperatorOrgIDs, src.EstablishedOn, src.Capacity
			// A co-operator the file names as an operator is one.
			dst.PendingOperatorIDs = slices.DeleteFunc(slices.Clone(dst.PendingOperatorIDs), func(id string) bool { return slices.Contains(dst.OperatorOrgIDs, id) })
		},
		create: s.Store.CreateBase,
		update: func(ctx context.Context, id string, fn func(*models.Base) error) (*models.Base, error) {
			return s.Store.UpdateBase(ctx, id, 0, fn)
		}}
	for _, r := range res.Bases {
		var ops []string
		ok := true
		for _, ref := range r.Operators {
			o := orgs.find(p, r.Line, res.Columns["operators"], ref)
			if o == nil {
				ok = false
				continue
			}
			if !slices.Contains(ops, o.ID) {
				ops = append(ops, o.ID)
			}
		}
		if !ok {
			continue
		}
		fresh := &models.Base{Name: strings.TrimSpace(r.Name), Kind: r.Kind, District: r.District, Industries: nonNil(r.Industries),
			OperatorOrgIDs: ops, PendingOperatorIDs: []string{}, EstablishedOn: r.EstablishedOn, Capacity: r.Capacity,
			Status: models.StatusVerified, Decision: &models.Decision{By: im.actor.ID, At: s.now(), Reason: importReason(p.rep, r.Line)},
			RegisteredBy: im.actor.ID}
		if found := byKey[intake.Fold(r.Name)+"\x00"+r.District]; !m.plan(s, im, p, r.Line, r.Name, found, fresh) {
			p.problem(r.Line, res.Columns["name"], models.RuleAmbiguous, "", "%d bases in this district are called %q; correct them one by one", len(found), r.Name)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sortedList(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(s, ", ")
}

func orgFields(o *models.Org) map[string]any {
	return map[string]any{"name": o.Name, "kind": o.Kind, "district": o.District, "industries": sortedList(o.Industries),
		"flags": sortedList(o.Flags), "status": string(o.Status)}
}

func baseFields(b *models.Base) map[string]any {
	return map[string]any{"name": b.Name, "kind": b.Kind, "district": b.District, "industries": sortedList(b.Industries),
		"operator_org_ids": sortedList(b.OperatorOrgIDs), "established_on": b.EstablishedOn, "capacity": b.Capacity,
		"status": string(b.Status)}
}

// fieldChanges are the fields whose values differ, before → after, as
// text (an import's line shows them).
func fieldChanges(before, after map[string]any) map[string][2]string {
	b, a := changedFields(before, after)
	out := make(map[string][2]string, len(a))
	for k, v := range a {
		out[k] = [2]string{fmt.Sprint(b[k]), fmt.Sprint(v)}
	}
	return out
}
