package main

// TestOracle drives the real server through long, seeded, random sequences
// of what people do, and after every step asks it what people would see —
// searches walked page by page, lists, the targets, every breakdown, the
// CSV and XLSX reports, the numbers of web pages — and compares every
// number and set with what the raw records in the database say (the
// oracle, oracle_model_test.go). On a failure it shrinks the sequence to a
// short one that still fails, and prints it with its seed.
//
//	go test -run TestOracle .                                  # the CI run
//	go test -run TestOracle -oracle.steps=20000 -timeout 10h . # a long run
//	go test -run TestOracle -oracle.steps=6000 -oracle.from=3000 . # seeds 3000 on
//	go test -run TestOracle -oracle.seed=7 -oracle.len=300 .   # one sequence
//
// RELIABILITY.md records what the long runs covered.

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

var (
	oracleSteps   = flag.Int("oracle.steps", 0, "total steps of a long oracle run (0: the short CI run)")
	oracleFrom    = flag.Uint64("oracle.from", 1000, "the first seed of a long run (the next ones follow): a run on new seeds plays sequences no earlier run played")
	oracleSeed    = flag.Uint64("oracle.seed", 0, "run the one sequence of this seed")
	oracleLen     = flag.Int("oracle.len", 0, "steps per sequence (default 30, 150 in a long run)")
	oracleAsks    = flag.Int("oracle.asks", 4, "random questions after each step")
	oracleReplay  = flag.String("oracle.replay", "", "play these steps (as a failure prints them) with -oracle.seed")
	oracleVerbose = flag.Bool("oracle.v", false, "print every write and every refusal")
	oracleShrink  = flag.Duration("oracle.shrink", 3*time.Minute, "how long the shrinker may try")
)

// ciSeeds are the sequences of the CI run: fixed, so that every machine
// runs the same steps.
var ciSeeds = []uint64{1, 2, incubationSeed}

// incubationSeed is the CI sequence that plays incubation mostly: teams,
// calls, entries, reviews, decisions and milestones, which the random
// sequences reach only now and then (a decision needs a verified
// organisation, a call, an entry and two reviews before it).
const incubationSeed = 5

// ciLength is the length of each CI sequence: 30 steps, each answered,
// checked and, every tenth, swept, keep the CI run of ciSeeds near a
// minute under -race on the 2-core machine.
const ciLength = 30

func TestOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("the oracle starts servers: not in -short")
	}
	bin := binary(t)
	length := *oracleLen
	var seeds []uint64
	switch {
	case *oracleSeed != 0:
		seeds = []uint64{*oracleSeed}
	case *oracleSteps > 0:
		if length == 0 {
			length = 150
		}
		for i := 0; i*length < *oracleSteps; i++ {
			seeds = append(seeds, *oracleFrom+uint64(i))
		}
	default:
		seeds = ciSeeds
	}
	if length == 0 {
		length = ciLength
	}
	started := time.Now()
	steps := 0
	kinds, accepted := map[string]int{}, map[string]int{}
	for _, seed := range seeds {
		r := rand.New(rand.NewPCG(seed, 0))
		seq := drawSteps(r, length)
		if seed == incubationSeed {
			seq = drawIncubationSteps(r, 2*length)
		}
		if *oracleReplay != "" {
			var err error
			if seq, err = parseSteps(*oracleReplay); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range seq {
			kinds[s.Kind]++
		}
		f := runSequence(t, seed, seq, bin, nil, accepted)
		steps += len(seq)
		if f == nil {
			continue
		}
		t.Errorf("seed %d: step %d (%s) then %s:\n%v", seed, f.at, seq[f.at], f.q, f.err)
		short := shrink(t, seed, seq[:f.at+1], f, bin)
		var lines []string
		for i, s := range short {
			lines = append(lines, fmt.Sprintf("  %2d %s", i, s))
		}
		var replay []string
		for _, s := range short {
			replay = append(replay, s.String())
		}
		t.Fatalf("shrunk to %d steps (replay with -oracle.seed=%d -oracle.replay=%s):\n%s\nthen %s fails:\n%v",
			len(short), seed, strings.Join(replay, ","), strings.Join(lines, "\n"), f.q, f.err)
	}
	t.Logf("oracle: %d sequences, %d steps in %s; steps by kind: %v; writes accepted by kind: %v", len(seeds), steps,
		time.Since(started).Round(time.Second), kinds, accepted)
}

// failure is a question the server answered wrong, after which step.
type failure struct {
	at  int
	q   question
	err error
}

// runSequence plays seq on a new DATA_DIR. After every step it asks the
// given question (a replay by the shrinker), or random ones and, every
// tenth step and at the end, the whole sweep. A step the server fails
// (5xx) is a failure too.
func runSequence(t *testing.T, seed uint64, seq []step, bin string, only question, accepted map[string]int) *failure {
	t.Helper()
	dir, err := os.MkdirTemp("", "oracle-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	if accepted == nil {
		accepted = map[string]int{}
	}
	w := &world{dir: dir, bin: bin, rng: rand.New(rand.NewPCG(seed, 1)), accepted: accepted,
		appOrg: map[string]string{}, appTalent: map[string]string{}}
	defer w.close()
	if err := w.setup(ctx); err != nil {
		t.Fatalf("seed %d: set-up: %v", seed, err)
	}
	for i, s := range seq {
		if err := w.do(ctx, s); err != nil {
			return &failure{at: i, q: stepQuestion{s}, err: err}
		}
		if w.srv == nil {
			t.Fatalf("seed %d: no server after step %d", seed, i)
		}
		snap, err := readSnapshot(ctx, w.srv.db())
		if err != nil {
			t.Fatalf("seed %d: read the records after step %d: %v", seed, i, err)
		}
		// The random questions come with their step (and stay with it when
		// the shrinker removes others): some leave traces, as reading a
		// profile whose contact was shared is audited.
		asks := rand.New(rand.NewPCG(s.Seed, 2))
		var qs []question
		for range *oracleAsks {
			qs = append(qs, drawQuestion(asks))
		}
		if only == nil && (i%10 == 9 || i == len(seq)-1) {
			qs = append(qs, sweep()...)
		}
		for _, q := range qs {
			if err := q.ask(w, snap); err != nil && only == nil {
				return &failure{at: i, q: q, err: err}
			}
			if _, reads := q.(profileRead); reads {
				// Reading a shared contact is audited: the records changed.
				if snap, err = readSnapshot(ctx, w.srv.db()); err != nil {
					t.Fatalf("seed %d: read the records after step %d: %v", seed, i, err)
				}
			}
		}
		if only != nil {
			if snap, err = readSnapshot(ctx, w.srv.db()); err != nil {
				t.Fatalf("seed %d: read the records after step %d: %v", seed, i, err)
			}
			if err := only.ask(w, snap); err != nil {
				return &failure{at: i, q: only, err: err}
			}
		}
	}
	return nil
}

// stepQuestion stands for a step that failed by itself.
type stepQuestion struct{ s step }

func (q stepQuestion) String() string { return "the step " + q.s.String() + " itself" }

func (q stepQuestion) ask(*world, *snapshot) error { return nil }

// shrink removes steps from a failing sequence while it still fails the
// same way (the same question, or the same step failing), chunk by chunk
// then one by one (ddmin), within the time -oracle.shrink allows.
func shrink(t *testing.T, seed uint64, seq []step, f *failure, bin string) []step {
	deadline := time.Now().Add(*oracleShrink)
	fails := func(cand []step) bool {
		if sq, ok := f.q.(stepQuestion); ok && cand[len(cand)-1] != sq.s {
			return false // the failing step must still be the last one
		}
		got := runSequence(t, seed, cand, bin, f.q, nil)
		if got == nil {
			return false
		}
		if _, ok := f.q.(stepQuestion); ok {
			_, same := got.q.(stepQuestion)
			return same && got.at == len(cand)-1
		}
		return true
	}
	chunk := max(len(seq)/2, 1)
	for chunk >= 1 && time.Now().Before(deadline) {
		removed := false
		for start := 0; start < len(seq) && time.Now().Before(deadline); {
			cand := append(append([]step{}, seq[:start]...), seq[min(start+chunk, len(seq)):]...)
			if len(cand) > 0 && fails(cand) {
				seq, removed = cand, true
				continue
			}
			start += chunk
		}
		if !removed {
			chunk /= 2
		}
	}
	return seq
}
