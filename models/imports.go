package models

import (
	"context"
	"time"
)

// The kinds of spreadsheet import.
const (
	ImportOrgs         = "orgs"
	ImportBases        = "bases"
	ImportRecruitments = "recruitments"
)

// ImportKinds lists them, in the order pages show them.
var ImportKinds = []string{ImportRecruitments, ImportOrgs, ImportBases}

// What an import did with one row.
const (
	RowCreated   = "created"
	RowUpdated   = "updated" // a changed row: a recorded correction
	RowUnchanged = "unchanged"
	RowError     = "error"
)

// ImportInput is one uploaded file.
type ImportInput struct {
	Kind string
	// File is the name the file was uploaded under (shown, never trusted).
	File string
	Data []byte
	// DryRun checks and reports without changing anything.
	DryRun bool
	// OnBehalf names, for the bureau, the district or park that sent the
	// list (a district's key or a park's name).
	OnBehalf string
	// Lang is the language of the report's messages (LangZH or LangEN).
	Lang string
}

// ImportProblem is one thing wrong with a file: the row as the sheet numbers
// it (the header is row 1), the column's header as written, a rule and its
// parameter, and a message in the report's language.
type ImportProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Code    Rule   `json:"code"`
	Param   string `json:"param"`
	Message string `json:"message"`
}

// ImportLine is what an import did (or, dry, would do) with one row: its
// outcome, a label a person recognises the row by (personal numbers
// masked) and the record it made or changed.
type ImportLine struct {
	Row      int    `json:"row"`
	Outcome  string `json:"outcome"`
	Label    string `json:"label"`
	RecordID string `json:"record_id,omitempty"`
	// Changes are the fields a changed row corrects, before → after.
	Changes map[string][2]string `json:"changes,omitempty"`
}

// ImportReport is the answer to an import, and what is kept of one that
// changed something (without Lines and Errors).
type ImportReport struct {
	ID        string          `json:"id,omitempty"`
	Kind      string          `json:"kind"`
	DryRun    bool            `json:"dry_run"`
	File      string          `json:"file"`
	SHA256    string          `json:"sha256"`
	Format    string          `json:"format"`
	Rows      int             `json:"rows"`
	OK        int             `json:"ok"`
	Created   int             `json:"created"`
	Updated   int             `json:"updated"`
	Unchanged int             `json:"unchanged"`
	Errors    []ImportProblem `json:"errors"`
	// Truncated says more problems were found than are listed.
	Truncated bool         `json:"truncated,omitempty"`
	Lines     []ImportLine `json:"lines,omitempty"`
	By        string       `json:"by"`
	OrgID     string       `json:"org_id,omitempty"`
	OnBehalf  string       `json:"on_behalf,omitempty"`
	At        time.Time    `json:"at"`
}

// ImportService reads spreadsheets into records.
type ImportService interface {
	// Import checks a file and, unless in.DryRun or a row has a problem,
	// applies it all: a file with problems changes nothing, and is
	// answered with its report and a CodeValidation error together.
	// Returns CodeUnsupportedMediaType or CodeTooLarge (and no report) for
	// a file it cannot read at all, CodeNotFound for an unknown kind,
	// CodeForbidden for a kind the actor may not import.
	Import(ctx context.Context, actor *User, in ImportInput) (*ImportReport, error)
	// Template returns the XLSX template of a kind in lang.
	Template(ctx context.Context, actor *User, kind, lang string) ([]byte, error)
	// List returns the imports the actor may see, newest first: the
	// bureau's and admins' all, an organisation member's their
	// organisation's.
	List(ctx context.Context, actor *User, page Page) (*List[*ImportReport], error)
	// Progress says how far the actor's running import is (Running false
	// when none is).
	Progress(ctx context.Context, actor *User) (*ImportProgress, error)
}

// The phases of an import.
const (
	PhaseReading  = "reading"  // the file, row by row
	PhaseChecking = "checking" // the organisations named, the rows seen before
	PhaseWriting  = "writing"  // the records (Done of Total)
)

// ImportProgress is how far a running import is.
type ImportProgress struct {
	Running bool      `json:"running"`
	Kind    string    `json:"kind,omitempty"`
	File    string    `json:"file,omitempty"`
	DryRun  bool      `json:"dry_run"`
	Phase   string    `json:"phase,omitempty"`
	Done    int       `json:"done"`
	Total   int       `json:"total"`
	Started time.Time `json:"started,omitzero"`
}

// ImportRow links a row's key (the identity of what it describes) to the
// record it made and the content it had, so that the same row imported
// again changes nothing and a changed one is a correction.
type ImportRow struct {
	Key      string
	RecordID string
	Hash     string
}

// ImportJournal is an import being written, kept from before its first
// write until its report is recorded, so that an import cut off (a crash,
// a kill, a power cut) is finished from its file at the next start:
// importing the same file again makes nothing twice.
type ImportJournal struct {
	ID       string // the import's id, which its records and corrections name
	Kind     string
	File     string
	Data     []byte
	By       string // the account that imported it
	OnBehalf string
	Lang     string
	// LockOwner is the owner of the imports' lock the import held.
	LockOwner string
	At        time.Time
	// Complete says that Data is the whole file (UnfinishedImports).
	Complete bool
}

// ImportStore persists imports.
type ImportStore interface {
	// ImportRows returns the rows of earlier imports of a kind with the
	// given keys, by key.
	ImportRows(ctx context.Context, kind string, keys []string) (map[string]ImportRow, error)
	// SaveImportRows records rows (a row's key again replaces it).
	SaveImportRows(ctx context.Context, kind string, rows []ImportRow) error
	// DeleteImportRow forgets a row (its record was withdrawn: the row
	// imported again makes it again).
	DeleteImportRow(ctx context.Context, kind, key string) error
	// CreateRecruitments stores new records with their ids set, in
	// batches, each with its feed entry. A record whose id exists is
	// skipped (an import resumed after a crash).
	CreateRecruitments(ctx context.Context, recs []*Recruitment) error
	// RecordImport keeps an import's report (without its lines and errors).
	RecordImport(ctx context.Context, r *ImportReport) error
	// Imports lists kept reports, newest first; orgID "" for all.
	Imports(ctx context.Context, orgID string, page Page) ([]*ImportReport, int, error)
	// BeginImport journals an import, with its file, before its first
	// write; EndImport forgets it once its report is recorded;
	// UnfinishedImports returns the imports journaled and not ended (cut
	// off by a crash), oldest first, each with its file when the journal
	// holds all of it (Complete).
	BeginImport(ctx context.Context, j *ImportJournal) error
	EndImport(ctx context.Context, id string) error
	UnfinishedImports(ctx context.Context) ([]*ImportJournal, error)
	// AllOrgs and AllBases read every organisation and base, to match
	// rows by name.
	AllOrgs(ctx context.Context) ([]*Org, error)
	AllBases(ctx context.Context) ([]*Base, error)
}

// LockStore holds named locks across the processes of one database.
type LockStore interface {
	// TryLock takes the lock called name for owner until ttl has passed,
	// or reports false when another owner holds it.
	TryLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	// Unlock gives owner's lock back.
	Unlock(ctx context.Context, name, owner string) error
}
