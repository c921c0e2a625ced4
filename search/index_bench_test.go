package search

import (
	"context"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
)

// BenchmarkIndexTalents measures the analysis and indexing of generated
// profiles alone, without a database: the ceiling of a rebuild.
//
//	go test -run '^$' -bench IndexTalents -benchtime 20000x ./search
func BenchmarkIndexTalents(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{Dir: b.TempDir() + "/index"})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	gen := seed.New(1, time.Now())
	docs := make([]*models.Talent, b.N)
	for i := range docs {
		docs[i] = gen.Talent(gen.ID())
		docs[i].Version = 1
	}
	bt := ix.newBatch()
	t0 := time.Now()
	b.ResetTimer()
	for i := range b.N {
		if err := ix.index(bt, docs[i]); err != nil {
			b.Fatal(err)
		}
		if bt.Size() >= batchSize {
			if err := ix.commit(bt); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := ix.commit(bt); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "docs/s")
}
