package intake

import (
	"fmt"
	"testing"
)

// recruitments50k is a sheet of 50,000 valid recruitment records, labels
// and keys mixed as a bureau's export would have them.
func recruitments50k() [][]string {
	rows := [][]string{recruitHeaderZH}
	districts := []string{"南山区", "福田", "nanshan", "Bao'an", "龙华区"}
	industries := []string{"游戏", "esports", "网络视听", "Digital art", "影视"}
	for i := range 50_000 {
		rows = append(rows, []string{fmt.Sprint("人才", i), "居民身份证", validIdentity(i), fmt.Sprint("深圳示例", i%500, "科技有限公司"),
			fmt.Sprintf("2025/%d/%d", 1+i%12, 1+i%28), []string{"国内", "海外"}[i%2], []string{"", "A类", "B", "C类（后备级）"}[i%4],
			districts[i%5], industries[i%5], fmt.Sprint("R-", i)})
	}
	return rows
}

// BenchmarkParseRecruitments50k reads 50,000 recruitment records from a
// CSV and from an XLSX (BENCHMARKS.md "Intake").
func BenchmarkParseRecruitments50k(b *testing.B) {
	rows := recruitments50k()
	tax := taxonomy()
	for _, c := range []struct {
		name string
		data []byte
	}{{"csv", csvOf(b, rows)}, {"xlsx", xlsxOf(b, anyRows(rows))}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				res, err := Parse(c.data, KindRecruitments, tax)
				if err != nil || !res.OK() || len(res.Recruitments) != 50_000 {
					b.Fatalf("%v%s", err, problems(res))
				}
			}
		})
	}
}
