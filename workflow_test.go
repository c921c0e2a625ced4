package main

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// workflow is what the tests read of a GitHub Actions workflow.
type workflow struct {
	On   any `yaml:"on"`
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

type workflowStep struct {
	Name string            `yaml:"name"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(w.Jobs) == 0 {
		t.Fatalf("%s has no jobs", name)
	}
	return w
}

// runsOnPush: "on" is an event name, a list of them, or a map keyed by them.
func (w workflow) runsOnPush() bool {
	switch on := w.On.(type) {
	case string:
		return on == "push"
	case []any:
		return slices.Contains(on, any("push"))
	case map[string]any:
		_, ok := on["push"]
		return ok
	}
	return false
}

// The MongoDB workflow starts MongoDB 7 as a replica set, waits for a
// writable primary, and runs every package whose tests take their database
// from storetest (and so from MONGODB_TEST_URI) against it.
func TestMongoDBWorkflow(t *testing.T) {
	w := readWorkflow(t, "mongodb.yml")
	if !w.runsOnPush() {
		t.Errorf("mongodb.yml does not run on push: %v", w.On)
	}
	started, tested := false, false
	for name, job := range w.Jobs {
		for _, st := range job.Steps {
			run := strings.Join(strings.Fields(st.Run), " ")
			if strings.Contains(run, "docker run") && strings.Contains(run, " mongo:7 ") {
				started = true
				for _, want := range []string{"--replSet rs0", "rs.initiate", "isWritablePrimary"} {
					if !strings.Contains(run, want) {
						t.Errorf("job %s starts mongo:7 without %q (a replica set, initiated, waited for until it takes writes): %s", name, want, run)
					}
				}
			}
			if !strings.HasPrefix(run, "go test") {
				continue
			}
			tested = true
			if !started {
				t.Errorf("job %s runs %q before it starts MongoDB", name, run)
			}
			if !strings.Contains(run, " -race ") {
				t.Errorf("job %s: %q is not a race-detector run", name, run)
			}
			uri := st.Env["MONGODB_TEST_URI"]
			if uri == "" {
				uri = job.Env["MONGODB_TEST_URI"]
			}
			u, err := url.Parse(uri)
			if uri == "" || err != nil || u.Scheme != "mongodb" || u.Host != "localhost:27017" || u.Query().Get("replicaSet") != "rs0" {
				t.Errorf("job %s runs %q with MONGODB_TEST_URI %q, not the replica set it started", name, run, uri)
			}
			patterns := strings.Fields(run)[2:]
			for _, dir := range storetestPackages(t) {
				if !slices.ContainsFunc(patterns, func(p string) bool { return coversDir(p, dir) }) {
					t.Errorf("job %s: %q leaves out ./%s, whose tests take their database from storetest", name, run, dir)
				}
			}
		}
	}
	if !started || !tested {
		t.Errorf("mongodb.yml starts mongo:7 (%v) and runs go test (%v)", started, tested)
	}
}

// TestCIWorkflow: CI runs .ci/run, which runs the README's test command.
func TestCIWorkflow(t *testing.T) {
	w := readWorkflow(t, "ci.yml")
	if !w.runsOnPush() {
		t.Errorf("ci.yml does not run on push: %v", w.On)
	}
	found := false
	for _, job := range w.Jobs {
		for _, st := range job.Steps {
			for line := range strings.Lines(st.Run) {
				if strings.TrimSpace(line) == ".ci/run" {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("ci.yml does not run .ci/run")
	}
	const command = "go test -race -timeout 60m ./..."
	for _, f := range []string{"README.md", ".ci/run"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), command) {
			t.Errorf("%s does not have the test command %q", f, command)
		}
	}
}

// storetestPackages are the directories whose tests call storetest.Main.
func storetestPackages(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if dir := filepath.ToSlash(filepath.Dir(p)); strings.Contains(string(b), "storetest.Main(") && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no tests call storetest.Main")
	}
	return dirs
}

// coversDir: does the package pattern (".", "./a/b", "./a/...") name dir
// ("." or "a/b/c")?
func coversDir(pattern, dir string) bool {
	p := strings.TrimPrefix(pattern, "./")
	if rest, ok := strings.CutSuffix(p, "/..."); ok || p == "..." {
		if p == "..." {
			return true
		}
		return dir == rest || strings.HasPrefix(dir, rest+"/")
	}
	if p == "." || p == "" {
		return dir == "."
	}
	return dir == p
}
