package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/szdc/talenthub/server/embeddb"
)

// A backup is one tar file (gzip-compressed when its name ends in .gz or
// .tgz) whose first entry is manifest.json, followed by the files the
// manifest lists: db/<database>.sqlite, a snapshot of each embedded
// database, and media/…, the files of DATA_DIR/media when it exists. The
// search index is left out: a server rebuilds a missing index from the
// database at start.
const (
	backupFormat     = 1
	manifestName     = "manifest.json"
	maxManifestBytes = 64 << 20
)

// backupManifest describes a backup; restore and verify-backup trust nothing
// in the archive that it does not vouch for.
type backupManifest struct {
	Format int `json:"format"`
	// Talenthub, FerretDB and SQLite are the versions that wrote the backup.
	Talenthub string `json:"talenthub"`
	FerretDB  string `json:"ferretdb"`
	SQLite    string `json:"sqlite"`
	// Began is taken before the snapshots, Time after them: every write
	// acknowledged before Began is in the backup, and nothing in it was
	// written after Time.
	Began     time.Time        `json:"began"`
	Time      time.Time        `json:"time"`
	Databases []backupDatabase `json:"databases"`
	Files     []backupFile     `json:"files"`
}

// backupDatabase is one embedded database in a backup.
type backupDatabase struct {
	Name string `json:"name"`
	File string `json:"file"`
	// Collections counts the documents of each collection.
	Collections map[string]int64 `json:"collections"`
}

// backupFile is one file of a backup, by its path in the archive.
type backupFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// errBackupOnMongoDB is the answer of backup and restore when talenthub
// runs on a real MongoDB, whose data talenthub does not own.
var errBackupOnMongoDB = errors.New("MONGODB_URI is set: talenthub backs up and restores only its embedded database. " +
	"Back up MongoDB with its own tools: `mongodump --oplog --out DIR` against a member of the replica set " +
	"(restored with `mongorestore --oplogReplay DIR`), or a filesystem snapshot of a member's data directory " +
	"(README.md, \"Backup and restore\"). The search index needs no backup: a server rebuilds a missing one from the database")

// backupCmd writes a backup of DATA_DIR to --out while the server may be
// running.
func backupCmd(ctx context.Context, cfg config, stdout io.Writer, args []string) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stdout)
	out := flags.String("out", "", "the archive to write: FILE.tar, or FILE.tar.gz / FILE.tgz to compress it")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("backup: unexpected argument %q", flags.Arg(0))
	}
	if *out == "" {
		return errors.New("backup: --out FILE is required")
	}
	if cfg.MongoURI != "" {
		return fmt.Errorf("backup: %w", errBackupOnMongoDB)
	}
	if _, err := os.Lstat(*out); err == nil {
		return fmt.Errorf("backup: %s exists: a backup never overwrites a file, name a new one", *out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	dbDir := cfg.embeddedDir()
	sources, err := filepath.Glob(filepath.Join(dbDir, "*.sqlite"))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if len(sources) == 0 {
		return fmt.Errorf("backup: no embedded database in %s (DATA_DIR=%s)", dbDir, cfg.DataDir)
	}
	slices.Sort(sources)

	// The snapshots are made beside the archive: they are as large as the
	// databases, which a small temporary file system may not hold.
	work, err := os.MkdirTemp(filepath.Dir(*out), ".talenthub-backup-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)

	m := &backupManifest{Format: backupFormat}
	m.Talenthub, m.FerretDB = buildVersions()
	local := map[string]string{} // archive path → file on disk
	m.Began = time.Now().UTC()
	for _, src := range sources {
		name := strings.TrimSuffix(filepath.Base(src), ".sqlite")
		dst := filepath.Join(work, name+".sqlite")
		if err := snapshotSQLite(ctx, src, dst); err != nil {
			return fmt.Errorf("backup: snapshot of %s: %w", src, err)
		}
		local["db/"+name+".sqlite"] = dst
		m.Databases = append(m.Databases, backupDatabase{Name: name, File: "db/" + name + ".sqlite"})
	}
	m.Time = time.Now().UTC()
	for i, d := range m.Databases {
		version, counts, err := countSQLite(ctx, local[d.File])
		if err != nil {
			return fmt.Errorf("backup: count the documents of %s: %w", d.Name, err)
		}
		m.SQLite, m.Databases[i].Collections = version, counts
	}

	// Media files are read after the database's snapshot, so that every
	// file it names was there already. They are read twice (hashed for the
	// manifest, which comes first, then copied): one that changes in
	// between fails the backup rather than going into it with a checksum
	// that does not match.
	mediaDir := filepath.Join(cfg.DataDir, "media")
	err = filepath.WalkDir(mediaDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == mediaDir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		if e.IsDir() {
			return nil
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file: a backup holds regular files only", p)
		}
		rel, err := filepath.Rel(cfg.DataDir, p)
		if err != nil {
			return err
		}
		// A name that restore would refuse fails the backup now, not the
		// restore later.
		if err := checkArchivePath(filepath.ToSlash(rel)); err != nil {
			return err
		}
		local[filepath.ToSlash(rel)] = p
		return nil
	})
	if err != nil {
		return fmt.Errorf("backup: media: %w", err)
	}
	for _, p := range slices.Sorted(maps.Keys(local)) {
		size, sum, err := hashFile(local[p])
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		m.Files = append(m.Files, backupFile{Path: p, Size: size, SHA256: sum})
	}

	if err := writeBackup(*out, m, local); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup: wrote %s: a snapshot of the embedded database taken between %s and %s\n",
		*out, m.Began.Format(time.RFC3339Nano), m.Time.Format(time.RFC3339Nano))
	for _, d := range m.Databases {
		fmt.Fprintf(stdout, "  database %s: %s\n", d.Name, describeCounts(d.Collections))
	}
	fmt.Fprintf(stdout, "  %d files with their SHA-256 in manifest.json; the search index is not included (rebuilt at the first start)\n", len(m.Files))
	fmt.Fprintf(stdout, "check it with: talenthub verify-backup %s\n", *out)
	return nil
}

// snapshotSQLite copies the SQLite database src to dst with VACUUM INTO,
// through a read-only connection of its own: the server, in another process
// or in this one, keeps its files open in WAL mode and goes on writing,
// which a reader does not block. VACUUM INTO reads the database in one
// read transaction, so dst is the database as one commit left it, never a
// half-applied write.
func snapshotSQLite(ctx context.Context, src, dst string) error {
	db, err := embeddb.OpenFile(src, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return err
	}
	// VACUUM INTO does not sync what it wrote.
	f, err := os.Open(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// countSQLite returns the SQLite version and the number of documents of
// each collection of a FerretDB database file.
func countSQLite(ctx context.Context, file string) (string, map[string]int64, error) {
	db, err := embeddb.OpenFile(file, true)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	var version string
	if err := db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&version); err != nil {
		return "", nil, err
	}
	counts, err := embeddb.Counts(ctx, db)
	return version, counts, err
}

// integrityCheck runs SQLite's PRAGMA integrity_check on a database file.
func integrityCheck(ctx context.Context, file string) error {
	db, err := embeddb.OpenFile(file, true)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("SQLite integrity_check: %s", strings.Join(problems[:min(len(problems), 5)], "; "))
	}
	return nil
}

// writeBackup writes the archive to a temporary file beside out and renames
// it to out once it is complete and synced: a backup that fails leaves no
// file under the name that an operator would trust.
func writeBackup(out string, m *backupManifest, local map[string]string) (err error) {
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".talenthub-backup-*.partial")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	var w io.Writer = f
	var gz *gzip.Writer
	if gzipName(out) {
		gz = gzip.NewWriter(f)
		w = gz
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	tw := tar.NewWriter(bw)
	hdr := func(name string, size int64, mod time.Time) *tar.Header {
		return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: mod.Truncate(time.Second)}
	}
	if err := tw.WriteHeader(hdr(manifestName, int64(len(manifest)), m.Time)); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	for _, bf := range m.Files {
		if err := addFile(tw, hdr(bf.Path, bf.Size, m.Time), local[bf.Path], bf); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Link, not rename: a file made at out since the check at the start is
	// refused rather than replaced. A file system without hard links gets
	// the rename.
	if err := os.Link(f.Name(), out); err != nil {
		if errors.Is(err, fs.ErrExist) {
			os.Remove(f.Name())
			return fmt.Errorf("%s appeared during the backup: a backup never overwrites a file", out)
		}
		if err := os.Rename(f.Name(), out); err != nil {
			os.Remove(f.Name())
			return err
		}
	} else {
		os.Remove(f.Name())
	}
	return syncDir(filepath.Dir(out))
}

// addFile copies one file into the archive and checks that it is still
// the file the manifest describes.
func addFile(tw *tar.Writer, h *tar.Header, file string, want backupFile) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, sum), io.LimitReader(f, want.Size+1))
	if err != nil {
		return fmt.Errorf("%s: %w", want.Path, err)
	}
	if n != want.Size || hex.EncodeToString(sum.Sum(nil)) != want.SHA256 {
		return fmt.Errorf("%s changed during the backup: run it again", want.Path)
	}
	return nil
}

func gzipName(name string) bool {
	return strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".tgz")
}

func hashFile(file string) (int64, string, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(sum.Sum(nil)), nil
}

// buildVersions returns the version of this build of talenthub (with its
// commit, when the build knows it) and of the FerretDB it embeds.
func buildVersions() (talenthub, ferretdb string) {
	talenthub, ferretdb = "unknown", "unknown"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	talenthub = bi.Main.Version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		talenthub += " " + rev
		if modified == "true" {
			talenthub += " (modified)"
		}
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/FerretDB/FerretDB" {
			ferretdb = d.Version
		}
	}
	return
}

func describeCounts(c map[string]int64) string {
	var parts []string
	var total int64
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if c[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
		}
		total += c[k]
	}
	return fmt.Sprintf("%d documents (%s)", total, strings.Join(parts, ", "))
}

// restoreCmd unpacks a backup into an empty (or missing) DATA_DIR, after
// checking all of it: a backup that fails any check leaves DATA_DIR as it
// was.
func restoreCmd(ctx context.Context, cfg config, stdout io.Writer, args []string) error {
	file, err := backupArg("restore", args)
	if err != nil {
		return err
	}
	if cfg.MongoURI != "" {
		return fmt.Errorf("restore: %w", errBackupOnMongoDB)
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	dataDir := cfg.DataDir
	// created is the outermost directory this restore made, removed again
	// when it fails.
	var created string
	entries, err := os.ReadDir(dataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		created = outermostMissing(dataDir)
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	case err != nil:
		return fmt.Errorf("restore: DATA_DIR: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("restore: DATA_DIR %s is not empty (it holds %s): restore only into an empty or missing directory; nothing was changed",
			dataDir, entryNames(entries))
	}
	// The archive is unpacked and checked inside DATA_DIR (the same file
	// system, so that moving it into place is a rename), then moved.
	staging, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		if created != "" {
			os.RemoveAll(created)
		}
		return fmt.Errorf("restore: %w", err)
	}
	fail := func(err error) error {
		os.RemoveAll(staging)
		if created != "" {
			os.RemoveAll(created)
		}
		return fmt.Errorf("restore %s: %w; nothing was changed in %s", file, err, dataDir)
	}
	m, err := readBackup(ctx, file, staging)
	if err != nil {
		return fail(err)
	}
	moved, err := os.ReadDir(staging)
	if err != nil {
		return fail(err)
	}
	for _, e := range moved {
		if err := os.Rename(filepath.Join(staging, e.Name()), filepath.Join(dataDir, e.Name())); err != nil {
			// Another process wrote into DATA_DIR meanwhile (a server
			// started on it): what this restore moved already goes back.
			for _, back := range moved {
				_ = os.Rename(filepath.Join(dataDir, back.Name()), filepath.Join(staging, back.Name()))
			}
			return fail(err)
		}
	}
	if err := os.Remove(staging); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, d := range []string{filepath.Join(dataDir, "db"), dataDir} {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	fmt.Fprintf(stdout, "restore: %s restored into %s: the embedded database as it was between %s and %s\n",
		file, dataDir, m.Began.Format(time.RFC3339Nano), m.Time.Format(time.RFC3339Nano))
	for _, d := range m.Databases {
		fmt.Fprintf(stdout, "  database %s: %s\n", d.Name, describeCounts(d.Collections))
	}
	fmt.Fprintln(stdout, "the search index is built at the first start")
	return nil
}

// verifyBackupCmd checks a backup without restoring it, in a temporary
// directory.
func verifyBackupCmd(ctx context.Context, stdout io.Writer, args []string) error {
	file, err := backupArg("verify-backup", args)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "talenthub-verify-")
	if err != nil {
		return fmt.Errorf("verify-backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	m, err := readBackup(ctx, file, tmp)
	if err != nil {
		return fmt.Errorf("verify-backup %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "verify-backup: %s is sound: format %d, written by talenthub %s (FerretDB %s, SQLite %s), snapshot between %s and %s\n",
		file, m.Format, m.Talenthub, m.FerretDB, m.SQLite, m.Began.Format(time.RFC3339Nano), m.Time.Format(time.RFC3339Nano))
	fmt.Fprintf(stdout, "  %d files match their SHA-256; SQLite integrity_check ok; the documents counted equal the manifest's\n", len(m.Files))
	for _, d := range m.Databases {
		fmt.Fprintf(stdout, "  database %s: %s\n", d.Name, describeCounts(d.Collections))
	}
	return nil
}

func backupArg(cmd string, args []string) (string, error) {
	flags := flag.NewFlagSet(cmd, flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	if err := flags.Parse(args); err != nil {
		return "", fmt.Errorf("%s: %w", cmd, err)
	}
	if flags.NArg() != 1 {
		return "", fmt.Errorf("%s: name one backup file: talenthub %s FILE", cmd, cmd)
	}
	return flags.Arg(0), nil
}

// readBackup unpacks the backup file into dir, an empty directory, and
// checks it: the manifest first, every file it lists present once with its
// size and SHA-256 and nothing else, each database passing SQLite's
// integrity check with the manifest's count of documents in every
// collection.
func readBackup(ctx context.Context, file, dir string) (*backupManifest, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, damaged(err)
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil {
		// A file cut before its first header is indistinguishable from
		// one that never was an archive.
		return nil, fmt.Errorf("not a talenthub backup, or truncated before its manifest (%v)", err)
	}
	if h.Name != manifestName || h.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("not a talenthub backup: its first entry is %q, not %s", h.Name, manifestName)
	}
	if h.Size > maxManifestBytes {
		return nil, fmt.Errorf("%s is %d bytes: not a talenthub backup", manifestName, h.Size)
	}
	raw, err := io.ReadAll(tr)
	if err != nil {
		return nil, damaged(err)
	}
	var m backupManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestName, err)
	}
	want, err := m.check()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", manifestName, err)
	}

	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, damaged(err)
		}
		bf, ok := want[h.Name]
		switch {
		case !ok:
			return nil, fmt.Errorf("the archive holds %q, which its manifest does not list", h.Name)
		case seen[h.Name]:
			return nil, fmt.Errorf("the archive holds %q twice", h.Name)
		case h.Typeflag != tar.TypeReg:
			return nil, fmt.Errorf("%q is not a regular file in the archive", h.Name)
		case h.Size != bf.Size:
			return nil, fmt.Errorf("%s is %d bytes in the archive, %d in its manifest", h.Name, h.Size, bf.Size)
		}
		seen[h.Name] = true
		if err := extract(tr, filepath.Join(dir, filepath.FromSlash(h.Name)), bf); err != nil {
			return nil, err
		}
	}
	// A compressed archive is read to its end, where gzip checks its own
	// checksum of everything before.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, damaged(err)
	}
	for _, bf := range m.Files {
		if !seen[bf.Path] {
			return nil, fmt.Errorf("the archive ends without %s, which its manifest lists: it is truncated", bf.Path)
		}
	}
	for _, d := range m.Databases {
		local := filepath.Join(dir, filepath.FromSlash(d.File))
		if err := integrityCheck(ctx, local); err != nil {
			return nil, fmt.Errorf("%s: %w", d.File, err)
		}
		_, counts, err := countSQLite(ctx, local)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.File, err)
		}
		for _, coll := range slices.Sorted(maps.Keys(mergeKeys(counts, d.Collections))) {
			if counts[coll] != d.Collections[coll] {
				return nil, fmt.Errorf("database %s, collection %s: %d documents, the manifest says %d", d.Name, coll, counts[coll], d.Collections[coll])
			}
		}
	}
	return &m, nil
}

// check validates a manifest and returns its files by path.
func (m *backupManifest) check() (map[string]backupFile, error) {
	if m.Format != backupFormat {
		return nil, fmt.Errorf("format %d: this talenthub reads format %d only", m.Format, backupFormat)
	}
	if len(m.Databases) == 0 {
		return nil, errors.New("no database")
	}
	files := map[string]backupFile{}
	for _, bf := range m.Files {
		if err := checkArchivePath(bf.Path); err != nil {
			return nil, err
		}
		if _, dup := files[bf.Path]; dup {
			return nil, fmt.Errorf("%s listed twice", bf.Path)
		}
		if sum, err := hex.DecodeString(bf.SHA256); err != nil || len(sum) != sha256.Size || bf.Size < 0 {
			return nil, fmt.Errorf("%s: a bad size or SHA-256", bf.Path)
		}
		files[bf.Path] = bf
	}
	for _, d := range m.Databases {
		if d.File != "db/"+d.Name+".sqlite" || strings.ContainsAny(d.Name, `/\`) {
			return nil, fmt.Errorf("database %q: file %q", d.Name, d.File)
		}
		if _, ok := files[d.File]; !ok {
			return nil, fmt.Errorf("database %s: its file %s is not listed", d.Name, d.File)
		}
	}
	return files, nil
}

// checkArchivePath refuses any path that could leave the directory it is
// unpacked into, or land outside db/ and media/.
func checkArchivePath(p string) error {
	switch {
	case p == "", path.IsAbs(p), path.Clean(p) != p, strings.Contains(p, `\`),
		p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("a file path %q that a backup never holds", p)
	case strings.HasPrefix(p, "db/") && path.Dir(p) == "db" && strings.HasSuffix(p, ".sqlite"):
		return nil
	case strings.HasPrefix(p, "media/"):
		return nil
	}
	return fmt.Errorf("a file path %q outside db/*.sqlite and media/", p)
}

// extract writes one file of the archive to dst, checking its SHA-256.
func extract(r io.Reader, dst string, want backupFile) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	sum := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, sum), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return damaged(err)
	}
	if hex.EncodeToString(sum.Sum(nil)) != want.SHA256 {
		return fmt.Errorf("%s does not match its SHA-256 in the manifest: the archive is damaged or was altered", want.Path)
	}
	return nil
}

// damaged names what a reading error of the archive means.
func damaged(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("the archive is truncated (%w)", err)
	}
	return fmt.Errorf("the archive is damaged: %w", err)
}

func mergeKeys(a, b map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k := range a {
		out[k] = 0
	}
	for k := range b {
		out[k] = 0
	}
	return out
}

func outermostMissing(dir string) string {
	dir = filepath.Clean(dir)
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		if _, err := os.Stat(parent); err == nil {
			return dir
		}
		dir = parent
	}
}

func entryNames(entries []os.DirEntry) string {
	var names []string
	for i, e := range entries {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, e.Name())
	}
	return strings.Join(names, ", ")
}

// syncDir makes the entries of dir (a rename, a new file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
