package service_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// imports50k is a CSV of 50,000 recruitment records of 50,000 people at
// the orgs named, labels and keys mixed.
func imports50k(orgs []string) []byte { return importRows(orgs, 50_000) }

// verifiedOrgs stores n verified enterprises, named as the generated rows
// name them, and returns their names.
func (w *journeyWorld) verifiedOrgs(t testing.TB, n int) []string {
	t.Helper()
	var names []string
	for i := range n {
		o := &models.Org{Name: fmt.Sprint("深圳示例", i, "科技有限公司"), Kind: models.OrgEnterprise, District: "nanshan",
			Industries: []string{}, Flags: []string{}, Status: models.StatusVerified, MemberIDs: []string{}, ManagerIDs: []string{}}
		must(t, w.st.CreateOrg(w.ctx, o))
		names = append(names, o.Name)
	}
	return names
}

// importRows is a CSV of n recruitment records of n people at the orgs
// named, a quarter of them below the high-end levels.
func importRows(orgs []string, n int) []byte {
	var b strings.Builder
	b.WriteString("姓名,证件类型,证件号码,用人单位,引进日期,人才来源,人才层次,所在区,行业领域\n")
	districts := []string{"南山区", "福田", "nanshan", "Bao'an", "龙华区"}
	industries := []string{"游戏", "esports", "网络视听", "Digital art", "影视"}
	for i := range n {
		fmt.Fprintf(&b, "人才%d,护照,E%08d,%s,2025/%d/%d,%s,%s,%s,%s\n", i, i, orgs[i%len(orgs)], 1+i%12, 1+i%28,
			[]string{"国内", "海外"}[i%2], []string{"", "A类", "B", "C类（后备级）"}[i%4], districts[i%5], industries[i%5])
	}
	return []byte(b.String())
}

// BenchmarkImport50k imports 50,000 recruitment records (the bureau's,
// created verified) into the embedded database with the figures following,
// then the same file again (all unchanged). BENCHMARKS.md "Intake".
//
//	go test -run '^$' -bench Import50k -benchtime 1x ./server/service
func BenchmarkImport50k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		// The index on disk, as a server keeps it.
		w := newJourneyWorldIn(b, b.TempDir())
		data := imports50k(w.verifiedOrgs(b, 500))
		b.StartTimer()
		start := time.Now()
		rep, err := w.svc.Imports.Import(w.ctx, w.bureau, models.ImportInput{Kind: models.ImportRecruitments, File: "50k.csv", Data: data})
		if err != nil || rep.Created != 50_000 {
			b.Fatalf("%v %+v", err, rep.Errors[:min(3, len(rep.Errors))])
		}
		first := time.Since(start)
		b.StopTimer()
		if n := w.counted(b, 2025); n != 37_500 {
			b.Fatalf("counted %d high-end people, want 37,500", n)
		}
		b.StartTimer()
		start = time.Now()
		again, err := w.svc.Imports.Import(w.ctx, w.bureau, models.ImportInput{Kind: models.ImportRecruitments, File: "50k.csv", Data: data})
		if err != nil || again.Unchanged != 50_000 {
			b.Fatalf("again: %v", err)
		}
		b.ReportMetric(first.Seconds(), "s/import")
		b.ReportMetric(time.Since(start).Seconds(), "s/reimport")
	}
}

// BenchmarkFeedReadAfterABurst reads the change feed of the embedded
// database after an import of 12,000 records, whole, in pages of 1,000 (a
// follower's page before) and in one read (its page there now,
// store.FeedBatch): the database decodes and sorts every entry it holds
// for each read. BENCHMARKS.md "Following the feed after a burst".
//
//	go test -run '^$' -bench FeedReadAfterABurst -benchtime 5x ./server/service
func BenchmarkFeedReadAfterABurst(b *testing.B) {
	w := newJourneyWorldIn(b, b.TempDir())
	if _, err := w.svc.Imports.Import(w.ctx, w.bureau, models.ImportInput{Kind: models.ImportRecruitments, File: "12k.csv",
		Data: importRows(w.verifiedOrgs(b, 20), 12_000)}); err != nil {
		b.Fatal(err)
	}
	for _, page := range []int{1000, w.st.FeedBatch()} {
		b.Run(fmt.Sprint("page=", page), func(b *testing.B) {
			for b.Loop() {
				from, n := "", 0
				for {
					cs, err := w.st.ChangesAfter(w.ctx, from, page)
					if err != nil {
						b.Fatal(err)
					}
					n += len(cs)
					if len(cs) < page {
						break
					}
					from = cs[len(cs)-1].Seq
				}
				if n < 12_000 {
					b.Fatalf("read %d entries", n)
				}
			}
		})
	}
}
