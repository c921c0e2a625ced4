package intake

import (
	"testing"
)

// FuzzParseCSV feeds any bytes to the parser of every kind: it must
// return a result or a refusal, never panic, and number its problems
// within the sheet.
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("name,kind,district,industries,flags\n甲,企业,南山,游戏、VR/AR/MR,专精特新\n"))
	f.Add([]byte("\uFEFF姓名,证件类型,证件号码,用人单位,引进日期,人才来源,所在区,行业领域\n张三,身份证,11010519491231002X,甲,2025年3月1日,国内,nanshan,games\n"))
	f.Add([]byte("name;kind;district;operators;established_on;capacity\n\"a\n\";training;futian;x,y;2024/2/29;1,000\n"))
	f.Add([]byte{0xD0, 0xC2, 0xBD, 0xA8, ',', 0xC4, 0xCF, 0xC9, 0xBD, '\n'})
	f.Add([]byte("\xff\xfen\x00a\x00m\x00e\x00\n\x00"))
	f.Add([]byte("\"unterminated,kind\n"))
	tax := taxonomy()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range Kinds {
			res, err := (Options{MaxProblems: 50}).Parse(data, kind, tax)
			if err != nil {
				continue
			}
			for _, p := range res.Problems {
				if p.Row < 1 || p.Code == "" || p.Message == "" {
					t.Fatalf("%s: %+v", kind, p)
				}
			}
			for _, r := range res.Recruitments {
				if r.Key == "" || r.Line < 2 {
					t.Fatalf("row %+v", r)
				}
			}
		}
	})
}
