package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/szdc/talenthub/scripts/seed"
)

// unpackFixture unpacks a .tar.gz of testdata into dir.
func unpackFixture(t *testing.T, archive, dir string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o750); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("%s: an entry of type %c", h.Name, h.Typeflag)
		}
	}
}

// TestUpgradeFromPreviousRelease: data directories written by earlier
// releases (testdata/upgrade, each made as its README says) open with
// this one without a manual step: ready, searchable, the seeded accounts
// sign in, the index agrees with the database and the figures with a
// recount. An index of an older mapping is rebuilt, figures are counted
// at every start; this is where a change of either shows.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	embeddedOnly(t)
	fixtures, err := filepath.Glob(filepath.Join("testdata", "upgrade", "*.tar.gz"))
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixture in testdata/upgrade: %v", err)
	}
	for _, fixture := range fixtures {
		// Stopped cleanly or not: a start after a clean stop does not
		// sweep the notices, and takes the clean stop's word that nothing
		// lacks its untold entry; after a crash the sweep scans once.
		for _, clean := range []bool{false, true} {
			name := filepath.Base(fixture)
			if clean {
				name += "/stopped-cleanly"
			}
			t.Run(name, func(t *testing.T) { upgradeFrom(t, fixture, clean) })
		}
	}
}

func upgradeFrom(t *testing.T, fixture string, clean bool) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	unpackFixture(t, fixture, env["DATA_DIR"])
	if clean {
		if err := os.WriteFile(filepath.Join(env["DATA_DIR"], noticesToldFile), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	in := start(t, env)
	waitReady(t, in)
	for _, email := range []string{seed.CreatorEmail(1), seed.OrgEmail(1)} {
		login(t, in, email)
	}
	bureau := login(t, in, seed.BureauEmail)
	code, body := in.call(t, "GET", "/api/v1/talents?per_page=5", bureau, nil)
	items, _ := body["items"].([]any)
	if code != 200 || len(items) == 0 {
		in.stop(t)
		t.Fatalf("browse the profiles as the bureau: %d %v", code, body)
	}
	// A word of the first profile's skills finds that profile.
	first := items[0].(map[string]any)
	skills, _ := first["skills"].([]any)
	if len(skills) == 0 {
		in.stop(t)
		t.Fatalf("the profile %v has no skills to search for", first["id"])
	}
	q := fmt.Sprint(skills[0])
	found := false
	for page := 1; !found; page++ {
		code, body = in.call(t, "GET", fmt.Sprintf("/api/v1/talents?q=%s&per_page=100&page=%d", url.QueryEscape(q), page), bureau, nil)
		hits, _ := body["items"].([]any)
		if code != 200 || len(hits) == 0 {
			break
		}
		for _, h := range hits {
			found = found || h.(map[string]any)["id"] == first["id"]
		}
	}
	if !found {
		in.stop(t)
		t.Fatalf("searching %q does not find the profile %v that has that skill: %d %v", q, first["id"], code, body)
	}
	code, body = in.call(t, "GET", "/api/v1/stats/recruitment?year=2025&by=month", bureau, nil)
	if code != 200 {
		in.stop(t)
		t.Fatalf("the figures: %d %v", code, body)
	}
	in.stop(t)
	indexMatchesDatabase(t, env)
	db, _ := openStopped(t, env)
	kept, err := db.store.UntoldKept(context.Background())
	db.Close()
	if err != nil || !kept {
		t.Fatalf("after the first start the sweeps do not rely on the untold entries (%v)", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"recount"}, getenvOf(env), &out); err != nil || !strings.Contains(out.String(), "no differences") {
		t.Fatalf("recount: %v\n%s", err, out.String())
	}
	summary := ""
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "recount:") {
			summary = line
		}
	}
	t.Logf("ready, signed in, found %q; %s", q, summary)
}
