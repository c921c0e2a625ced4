package intake

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/xuri/excelize/v2"
)

var recruitHeaderZH = []string{"姓名", "证件类型", "证件号码", "用人单位", "引进日期", "人才来源", "人才层次", "所在区", "行业领域", "外部编号"}

// recruitSheet is three valid records in Chinese, labels and keys mixed.
func recruitSheet() [][]string {
	return [][]string{
		recruitHeaderZH,
		{"张三", "居民身份证", exampleIdentity, "深圳示例科技有限公司", "2025-03-01", "海外（含港澳台）", "A类（国家级领军）", "南山区", "游戏", "R-1"},
		{"李四", "护照", "E12345678", "0123456789abcdef01234567", "2025/3/2", "国内", "b", "nanshan", "Esports", ""},
		{"Lee", "港澳台通行证", "H12345678", "深圳示例科技有限公司", "2025年3月3日", "overseas", "", "南山", "网络视听", ""},
	}
}

func checkRecruitRows(t *testing.T, res *Result) {
	t.Helper()
	if !res.OK() || len(res.Recruitments) != 3 || res.Rows != 3 {
		t.Fatalf("%s: %d rows, %d read, problems:%s", res.Format, len(res.Recruitments), res.Rows, problems(res))
	}
	r := res.Recruitments
	want := []RecruitmentRow{
		{PersonName: "张三", IDType: IDResident, IDNumber: exampleIdentity, Org: OrgRef{Name: "深圳示例科技有限公司"}, Date: "2025-03-01",
			Origin: models.OriginOverseas, Level: models.LevelA, District: "nanshan", Industry: "games", ExternalRef: "R-1"},
		{PersonName: "李四", IDType: IDPassport, IDNumber: "E12345678", Org: OrgRef{ID: "0123456789abcdef01234567"}, Date: "2025-03-02",
			Origin: models.OriginDomestic, Level: models.LevelB, District: "nanshan", Industry: "esports"},
		{PersonName: "Lee", IDType: IDHMTPermit, IDNumber: "H12345678", Org: OrgRef{Name: "深圳示例科技有限公司"}, Date: "2025-03-03",
			Origin: models.OriginOverseas, District: "nanshan", Industry: "online_av"},
	}
	for i := range want {
		got := r[i]
		if got.Line != i+2 || got.Key == "" || got.Hash == "" {
			t.Errorf("%s row %d: line %d key %q hash %q", res.Format, i, got.Line, got.Key, got.Hash)
		}
		got.Row = Row{}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want[i]) || got.IDNumber != want[i].IDNumber {
			t.Errorf("%s row %d:\n got %#v\nwant %#v", res.Format, i, got, want[i])
		}
	}
}

func TestFormatsAndEncodings(t *testing.T) {
	rows := recruitSheet()
	plain := csvOf(t, rows)
	cases := []struct {
		format string
		data   []byte
	}{
		{"xlsx", xlsxOf(t, anyRows(rows))},
		{"csv/utf-8", plain},
		{"csv/utf-8", withBOM(plain)},
		{"csv/gb18030", gb18030(t, plain)},
		{"csv/gb18030", gb18030(t, bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n")))},
		{"csv/utf-16le", utf16le(t, bytes.ReplaceAll(plain, []byte(","), []byte("\t")))}, // Excel's "Unicode text"
		{"csv/utf-8", bytes.ReplaceAll(plain, []byte(","), []byte(";"))},
	}
	var keys []string
	for _, c := range cases {
		res := parse(t, c.data, KindRecruitments)
		if res.Format != c.format {
			t.Errorf("format %q, want %q", res.Format, c.format)
		}
		checkRecruitRows(t, res)
		var k []string
		for _, r := range res.Recruitments {
			k = append(k, r.Key+r.Hash)
		}
		if keys == nil {
			keys = k
		} else if !slices.Equal(k, keys) {
			t.Errorf("%s: keys and hashes differ from the XLSX's", c.format)
		}
	}
}

func TestXLSXSerialDatesAndNumbers(t *testing.T) {
	day := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	data := xlsxOf(t, [][]any{
		{"基地名称", "基地类型", "所在区", "运营机构", "成立日期", "容纳人数"},
		{"甲园", "人才培训基地", "福田", "甲公司、0123456789abcdef01234567", day, 300},
		{"乙园", "training", "futian", "乙公司", 45444, "1,200"},
		{"丙园", "training", "futian", "乙公司", "2024.6.1", 12.0},
	})
	res := parse(t, data, KindBases)
	if !res.OK() || len(res.Bases) != 3 {
		t.Fatalf("problems:%s", problems(res))
	}
	b := res.Bases
	if b[0].EstablishedOn != "2024-06-01" || b[1].EstablishedOn != "2024-06-01" || b[2].EstablishedOn != "2024-06-01" {
		t.Errorf("dates %q %q %q", b[0].EstablishedOn, b[1].EstablishedOn, b[2].EstablishedOn)
	}
	if b[0].Capacity != 300 || b[1].Capacity != 1200 || b[2].Capacity != 12 {
		t.Errorf("capacities %d %d %d", b[0].Capacity, b[1].Capacity, b[2].Capacity)
	}
	if want := []OrgRef{{Name: "甲公司"}, {ID: "0123456789abcdef01234567"}}; !slices.Equal(b[0].Operators, want) {
		t.Errorf("operators %v", b[0].Operators)
	}
	// In CSV a bare number is not a date.
	res = parse(t, csvOf(t, [][]string{{"name", "kind", "district", "operators", "established_on"}, {"甲园", "training", "futian", "甲公司", "45444"}}), KindBases)
	if len(res.Problems) != 1 || res.Problems[0].Code != models.RuleDate {
		t.Errorf("a serial in CSV:%s", problems(res))
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{
		"2025-03-01": "2025-03-01", "2025/3/1": "2025-03-01", "2025-3-1": "2025-03-01", "2025.03.01": "2025-03-01",
		"2025年3月1日": "2025-03-01", "2025 年 3 月 1 日": "2025-03-01", "２０２５-０３-０１": "2025-03-01", "2025-03-01 00:00:00": "2025-03-01",
		"2024/2/29": "2024-02-29",
		"2025/2/29": "", "2025-13-01": "", "1899-12-31": "", "3/1/2025": "", "20250301": "", "": "", "2025-03-01 12:00": "",
	} {
		got, b := date(in, false)
		if got != want || (b == nil) != (want != "") {
			t.Errorf("date(%q) = %q, %v; want %q", in, got, b, want)
		}
	}
	if got, b := date("45717", true); got != "2025-03-01" || b != nil {
		t.Errorf("serial 45717 = %q, %v", got, b)
	}
}

func TestLabelsKeysAndShortForms(t *testing.T) {
	rows := [][]string{{"Name", "KIND", "district", "Industries", "flags"}}
	for i, d := range []string{"南山区", "南山", "nanshan", "Nanshan", " ＮＡＮＳＨＡＮ "} {
		rows = append(rows, []string{fmt.Sprint("机构", i), "企业", d, "游戏、esports；VR/AR/MR, 虚拟现实/增强现实\nAnimation & comics/网络视听", "专精特新/sme"})
	}
	rows = append(rows, []string{"宝安机构", "enterprise", "bao an", "live streaming", ""},
		[]string{"大鹏机构", "Enterprise", "大鹏", "", ""},
		[]string{"深汕机构", "Enterprise", "深汕", "", ""})
	res := parse(t, csvOf(t, rows), KindOrgs)
	if !res.OK() || len(res.Orgs) != 8 {
		t.Fatalf("problems:%s", problems(res))
	}
	for _, o := range res.Orgs[:5] {
		if o.District != "nanshan" || o.Kind != models.OrgEnterprise ||
			!slices.Equal(o.Industries, []string{"games", "esports", "vr_ar", "animation", "online_av"}) || !slices.Equal(o.Flags, []string{"specialized", "sme"}) {
			t.Errorf("row %d: %+v", o.Line, o.OrgInput)
		}
	}
	if d := []string{res.Orgs[5].District, res.Orgs[6].District, res.Orgs[7].District}; !slices.Equal(d, []string{"baoan", "dapeng", "shenshan"}) {
		t.Errorf("districts %v", d)
	}
	if !slices.Equal(res.Orgs[5].Industries, []string{"live_streaming"}) {
		t.Errorf("industries %v", res.Orgs[5].Industries)
	}
}

func TestAmbiguousAndRetired(t *testing.T) {
	tax := taxonomy()
	tax.Districts = append(tax.Districts, models.Term{Key: "nanshan_park", ZH: "南山", EN: "Nanshan Park"},
		models.Term{Key: "old", ZH: "旧区", EN: "Old district", Retired: true})
	data := csvOf(t, [][]string{{"名称", "类型", "区"}, {"甲", "企业", "南山"}, {"乙", "企业", "南山区"}, {"丙", "企业", "旧区"}})
	res, err := Parse(data, KindOrgs, tax)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 2 || len(res.Orgs) != 1 || res.Orgs[0].District != "nanshan" {
		t.Fatalf("rows %v, problems:%s", res.Orgs, problems(res))
	}
	p := res.Problems[0]
	if p.Row != 2 || p.Column != "区" || p.Code != models.RuleAmbiguous || p.Param != "nanshan, nanshan_park" || !strings.HasPrefix(p.Message, "ambiguous: ") {
		t.Errorf("ambiguous: %+v", p)
	}
	if p := res.Problems[1]; p.Row != 4 || p.Code != models.RuleTaxonomy || !strings.Contains(p.Message, "retired") {
		t.Errorf("retired: %+v", p)
	}
}

func TestIdentityNumbers(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	wrong := exampleIdentity[:17] + "3"
	future := "44030520300101001"
	future += string(residentCheck(future))
	for _, c := range []struct {
		kind IdentityType
		n    string
		ok   bool
	}{
		{IDResident, exampleIdentity, true}, {IDResident, strings.ToLower(exampleIdentity), false}, // normalised before: see below
		{IDResident, validIdentity(7), true}, {IDResident, wrong, false}, {IDResident, exampleIdentity[:17], false},
		{IDResident, future, false}, {IDResident, "04030519900101001" + string(residentCheck("04030519900101001")), false},
		{IDPassport, "E12345678", true}, {IDPassport, "EA1234567", true}, {IDPassport, "123456789", true},
		{IDPassport, "ABCDEFG", false}, {IDPassport, "E1", false}, {IDPassport, "E1234567890123456789X", false},
		{IDHMTPermit, "H12345678", true}, {IDHMTPermit, "M1234567801", true}, {IDHMTPermit, "12345678", true},
		{IDHMTPermit, "1234567890", true}, {IDHMTPermit, "C12345678", false}, {IDHMTPermit, "H1234567", false},
	} {
		if b := identity(c.kind, c.n, today); (b == nil) != c.ok {
			t.Errorf("%s %s: %v", c.kind, c.n, b)
		} else if b != nil && (b.rule != models.RuleIdentityNumber || strings.Contains(b.msg, c.n)) {
			t.Errorf("%s %s: %+v", c.kind, c.n, b)
		}
	}
	if n := normalizeIdentity(" 110105 19491231 002x "); n != exampleIdentity {
		t.Errorf("normalised %q", n)
	}
	// A wrong check digit in a sheet: a problem of that cell, without the number.
	rows := recruitSheet()
	rows[1][2] = wrong
	res := parse(t, csvOf(t, rows), KindRecruitments)
	if len(res.Problems) != 1 || len(res.Recruitments) != 2 {
		t.Fatalf("problems:%s", problems(res))
	}
	if p := res.Problems[0]; p.Row != 2 || p.Column != "证件号码" || p.Code != models.RuleIdentityNumber || p.Param != "resident_id" ||
		!strings.Contains(p.Message, "check character") || strings.Contains(p.Message, wrong) {
		t.Errorf("%+v", p)
	}
}

func TestIdentityNumberPrintsMasked(t *testing.T) {
	res := parse(t, csvOf(t, recruitSheet()), KindRecruitments)
	r := res.Recruitments[0]
	j, _ := json.Marshal(r)
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", r), string(j)} {
		if strings.Contains(s, exampleIdentity) || !strings.Contains(s, "1101************2X") {
			t.Errorf("printed: %s", s)
		}
	}
	if r.IDNumber.Reveal() != exampleIdentity {
		t.Error("Reveal")
	}
}

// TestAnErrorInEveryColumn puts one wrong cell in each column of each
// kind, one row each, and checks the problem's row, column and rule.
func TestAnErrorInEveryColumn(t *testing.T) {
	type wrong struct {
		col  int
		val  string
		rule models.Rule
	}
	cases := []struct {
		kind   Kind
		good   [][]string // header and a valid row
		wrongs []wrong
	}{
		{KindOrgs, [][]string{{"机构名称", "机构类型", "所在区", "行业领域", "企业标签"}, {"甲公司", "企业", "南山", "游戏", "龙头企业"}},
			[]wrong{{0, "", models.RuleRequired}, {0, strings.Repeat("名", 201), models.RuleMaxChars}, {0, "甲\u202e公司", models.RuleSingleLine},
				{1, "公司", models.RuleTaxonomy}, {1, "", models.RuleRequired}, {2, "北京", models.RuleTaxonomy},
				{3, "游戏、足球", models.RuleTaxonomy}, {4, "龙头", models.RuleTaxonomy}}},
		{KindBases, [][]string{{"基地名称", "基地类型", "所在区", "行业领域", "运营机构", "成立日期", "容纳人数"}, {"甲园", "孵化基地/双创服务中心", "福田", "动漫", "甲公司", "2024-06-01", "300"}},
			[]wrong{{0, "", models.RuleRequired}, {1, "园区", models.RuleTaxonomy}, {2, "", models.RuleRequired}, {3, "rugby", models.RuleTaxonomy},
				{4, "", models.RuleRequired}, {5, "2024-02-30", models.RuleDate}, {6, "-1", models.RuleNumber}, {6, "1000001", models.RuleNumber}, {6, "3.5", models.RuleNumber}}},
		{KindRecruitments, [][]string{recruitHeaderZH, recruitSheet()[1]},
			[]wrong{{0, "", models.RuleRequired}, {1, "驾照", models.RuleTaxonomy}, {2, "110105194912310021", models.RuleIdentityNumber},
				{3, "甲\n公司", models.RuleSingleLine}, {4, "2025-02-29", models.RuleDate}, {5, "外星", models.RuleTaxonomy},
				{6, "D", models.RuleTaxonomy}, {7, "", models.RuleRequired}, {8, "足球", models.RuleTaxonomy}, {9, strings.Repeat("x", 101), models.RuleMaxChars}}},
	}
	for _, c := range cases {
		rows := [][]string{c.good[0]}
		covered := map[int]bool{}
		for i, w := range c.wrongs {
			row := slices.Clone(c.good[1])
			row[w.col] = w.val
			row[0] = fmt.Sprint(row[0], i) // distinct keys
			if w.col == 0 {
				row[0] = w.val
			}
			if c.kind == KindRecruitments && w.col != 2 {
				row[2] = validIdentity(i)
			}
			rows = append(rows, row)
			covered[w.col] = true
		}
		if len(covered) != len(c.good[0]) {
			t.Fatalf("%s: %d of %d columns covered", c.kind, len(covered), len(c.good[0]))
		}
		for _, data := range [][]byte{csvOf(t, rows), xlsxOf(t, anyRows(rows))} {
			res := parse(t, data, c.kind)
			if len(res.Problems) != len(c.wrongs) || res.Rows != len(c.wrongs) || len(res.Orgs)+len(res.Bases)+len(res.Recruitments) != 0 {
				t.Errorf("%s %s: %d rows read, problems:%s", c.kind, res.Format, res.Rows, problems(res))
				continue
			}
			for i, w := range c.wrongs {
				p := res.Problems[i]
				if p.Row != i+2 || p.Column != c.good[0][w.col] || p.Code != w.rule || p.Message == "" {
					t.Errorf("%s %s wrong %d: %+v, want row %d column %q rule %s", c.kind, res.Format, i, p, i+2, c.good[0][w.col], w.rule)
				}
			}
		}
		// The good row alone is good.
		if res := parse(t, csvOf(t, c.good), c.kind); !res.OK() {
			t.Errorf("%s good row:%s", c.kind, problems(res))
		}
	}
}

func TestEnterpriseFlagsAndLimits(t *testing.T) {
	res := parse(t, csvOf(t, [][]string{{"name", "kind", "district", "flags", "industries"},
		{"某大学", "高校", "南山", "龙头企业", ""},
		{"某公司", "企业", "南山", "", "游戏,电竞,动漫,网络视听,直播与短视频,数字艺术,创意设计,网络文学,网络音乐,数字文化装备,虚拟现实/增强现实,数字出版,影视,非遗数字化,游戏"},
	}), KindOrgs)
	if len(res.Problems) != 1 || res.Problems[0].Code != models.RuleEnterpriseFlags || res.Problems[0].Column != "flags" || len(res.Orgs) != 1 {
		t.Errorf("problems:%s", problems(res))
	}
	if len(res.Orgs) == 1 && len(res.Orgs[0].Industries) != 14 {
		t.Errorf("14 industries, one repeated: %v", res.Orgs[0].Industries)
	}
}

func TestHeaders(t *testing.T) {
	// English headers, keys and Chinese in any order; a trailing "*".
	rows := [][]string{{"industry", "Level", "date", "ID Number", "ID_TYPE", "Organisation", "origin *", "人才姓名", "District"},
		{"games", "C", "2025-01-02", exampleIdentity, "resident_id", "甲公司", "domestic", "王五", "futian"}}
	res := parse(t, csvOf(t, rows), KindRecruitments)
	if !res.OK() || len(res.Recruitments) != 1 || res.Recruitments[0].Level != models.LevelC || res.Recruitments[0].District != "futian" {
		t.Fatalf("problems:%s", problems(res))
	}
	// Unknown, repeated and missing columns; a value under no header.
	rows = [][]string{{"姓名", "证件类型", "证件号码", "用人单位", "引进日期", "来源", "人才来源", "所在区", "电话", ""},
		{"张三", "身份证", exampleIdentity, "甲公司", "2025-03-01", "国内", "国内", "南山", "138", "?"}}
	res = parse(t, csvOf(t, rows), KindRecruitments)
	want := []Problem{
		{Row: 1, Column: "人才来源", Code: models.RuleRepeated},
		{Row: 1, Column: "电话", Code: models.RuleUnknown},
		{Row: 1, Column: "行业领域", Code: models.RuleRequired, Param: "industry"},
		{Row: 2, Column: "J", Code: models.RuleUnknown},
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("problems:%s", problems(res))
	}
	for i, w := range want {
		p := res.Problems[i]
		if p.Row != w.Row || p.Column != w.Column || p.Code != w.Code || (w.Param != "" && p.Param != w.Param) {
			t.Errorf("problem %d: %+v, want %+v", i, p, w)
		}
	}
	// An empty file, a blank header.
	for _, data := range [][]byte{nil, []byte("\n\n"), withBOM(nil)} {
		res = parse(t, data, KindOrgs)
		if len(res.Problems) != 1 || res.Problems[0].Row != 1 || res.Problems[0].Code != models.RuleRequired {
			t.Errorf("%q:%s", data, problems(res))
		}
	}
	// Blank rows are skipped but keep the numbering.
	res = parse(t, []byte("name,kind,district\n\n , ,\n甲,企业,\n"), KindOrgs)
	if res.Rows != 1 || len(res.Problems) != 1 || res.Problems[0].Row != 4 || res.Problems[0].Column != "district" {
		t.Errorf("problems:%s", problems(res))
	}
}

func TestDuplicateRows(t *testing.T) {
	rows := recruitSheet()
	again := slices.Clone(rows[1])
	again[2] = strings.ToLower(exampleIdentity[:6]) + " " + exampleIdentity[6:17] + "x" // the same number, written otherwise
	again[4], again[7], again[0] = "2025年3月1日", "nanshan", "张三（更正）"
	rows = append(rows, again)
	for _, data := range [][]byte{csvOf(t, rows), xlsxOf(t, anyRows(rows))} {
		res := parse(t, data, KindRecruitments)
		if len(res.Problems) != 1 || len(res.Recruitments) != 3 {
			t.Fatalf("problems:%s", problems(res))
		}
		if p := res.Problems[0]; p.Row != 5 || p.Column != "证件号码" || p.Code != models.RuleRepeated || p.Param != "2" || !strings.Contains(p.Message, "row 2") {
			t.Errorf("%+v", p)
		}
	}
	// Orgs by name (case and width folded); bases by name and district.
	res := parse(t, csvOf(t, [][]string{{"name", "kind", "district"}, {"ACME", "企业", "南山"}, {"ａｃｍｅ", "企业", "福田"}}), KindOrgs)
	if len(res.Problems) != 1 || res.Problems[0].Row != 3 || res.Problems[0].Column != "name" {
		t.Errorf("orgs:%s", problems(res))
	}
	res = parse(t, csvOf(t, [][]string{{"name", "kind", "district", "operators"}, {"园", "training", "南山", "甲"}, {"园", "training", "福田", "甲"}}), KindBases)
	if !res.OK() || len(res.Bases) != 2 {
		t.Errorf("bases in two districts:%s", problems(res))
	}
}

func TestRowKeysTellNewUnchangedAndChanged(t *testing.T) {
	first := parse(t, csvOf(t, recruitSheet()), KindRecruitments).Recruitments
	rows := recruitSheet()
	rows[1][7], rows[1][5] = "nanshan", "overseas" // the same values by key
	rows[2][6] = "C"                               // a correction of the level
	rows[3][4] = "2025-03-04"                      // another date: another record
	second := parse(t, csvOf(t, rows), KindRecruitments).Recruitments
	if first[0].Key != second[0].Key || first[0].Hash != second[0].Hash {
		t.Error("the same record written with keys instead of labels is not unchanged")
	}
	if first[1].Key != second[1].Key || first[1].Hash == second[1].Hash {
		t.Error("a changed level is not a correction")
	}
	if first[2].Key == second[2].Key {
		t.Error("another date is not another record")
	}
	secret, err := Options{KeySecret: []byte("s")}.Parse(csvOf(t, recruitSheet()), KindRecruitments, taxonomy())
	if err != nil || secret.Recruitments[0].Key == first[0].Key || len(secret.Recruitments[0].Key) != 32 {
		t.Errorf("a keyed hash: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("hello"))
	zw.Close()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	for name, data := range map[string][]byte{
		"png": png, "zip": z.Bytes(), "xls": append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
		"nul": []byte("name,kind\x00\n"), "bad gb18030": {0x81, 0x20, 0x81, 0x20, 0xFF, 0xFF}, "utf-16 odd": {0xFF, 0xFE, 'a'},
	} {
		_, err := Parse(data, KindOrgs, taxonomy())
		if c := models.ErrorCode(err); c != models.CodeUnsupportedMediaType {
			t.Errorf("%s: %v", name, err)
		}
	}
	small := Options{MaxBytes: 100, MaxRows: 2}
	if _, err := small.Parse(make([]byte, 101), KindOrgs, nil); models.ErrorCode(err) != models.CodeTooLarge {
		t.Errorf("101 bytes: %v", err)
	}
	rows := "name,kind,district\na,企业,南山\nb,企业,南山\nc,企业,南山\n"
	if _, err := small.Parse([]byte(rows), KindOrgs, nil); models.ErrorCode(err) != models.CodeTooLarge {
		t.Errorf("3 rows: %v", err)
	}
	if _, err := (Options{MaxRows: 2}).Parse(xlsxOf(t, anyRows([][]string{{"name"}, {"a"}, {"b"}, {"c"}})), KindOrgs, nil); models.ErrorCode(err) != models.CodeTooLarge {
		t.Errorf("3 XLSX rows: %v", err)
	}
	if _, err := Parse(nil, "people", nil); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("kind: %v", err)
	}
	var e *models.Error
	if _, err := Parse(png, KindOrgs, nil); !errors.As(err, &e) {
		t.Errorf("not a models.Error: %v", err)
	}
}

func TestProblemsAreCapped(t *testing.T) {
	rows := [][]string{{"name", "kind", "district"}}
	for i := range 30 {
		rows = append(rows, []string{fmt.Sprint(i), "x", "y"})
	}
	res, err := Options{MaxProblems: 10}.Parse(csvOf(t, rows), KindOrgs, nil)
	if err != nil || len(res.Problems) != 10 || !res.Truncated || res.Rows != 30 {
		t.Errorf("%v %d %v", err, len(res.Problems), res.Truncated)
	}
}

func TestTemplates(t *testing.T) {
	tax := taxonomy()
	tax.Districts[1].Retired = true // longgang
	for _, kind := range Kinds {
		for _, lang := range []string{"zh", "en"} {
			data, err := Template(kind, lang, tax)
			if err != nil {
				t.Fatal(err)
			}
			// The example row reads back without a problem.
			res, err := Parse(data, kind, tax)
			if err != nil || !res.OK() || res.Rows != 1 {
				t.Fatalf("%s %s: %v%s", kind, lang, err, problems(res))
			}
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			sheets := f.GetSheetList()
			head, _ := f.GetRows(sheets[0])
			if len(sheets) != 2 || len(head) != 2 {
				t.Fatalf("%s %s: sheets %v, rows %d", kind, lang, sheets, len(head))
			}
			first := map[string]string{"zh": columns[kind][0].zh, "en": columns[kind][0].en}[lang] + " *"
			if head[0][0] != first {
				t.Errorf("%s %s: first header %q, want %q", kind, lang, head[0][0], first)
			}
			dvs, err := f.GetDataValidations(sheets[0])
			if err != nil || len(dvs) != len(templateVocabs(kind, tax)) {
				t.Errorf("%s %s: %d validations, %v", kind, lang, len(dvs), err)
			}
			for _, dv := range dvs {
				if !strings.HasPrefix(dv.Formula1, "'"+sheets[1]+"'!$") {
					t.Errorf("%s %s: validation %s: %s", kind, lang, dv.Sqref, dv.Formula1)
				}
			}
			values, _ := f.GetRows(sheets[1])
			all := fmt.Sprint(values)
			if !strings.Contains(all, "南山区 Nanshan") || strings.Contains(all, "龙岗") {
				t.Errorf("%s %s: values %v", kind, lang, values)
			}
			f.Close()
		}
	}
	if _, err := Template("people", "zh", tax); models.ErrorCode(err) != models.CodeNotFound {
		t.Error(err)
	}
}

func TestHeaderAliasesAreDistinct(t *testing.T) {
	// headerIndex panics at init on a clash; check each column is reachable
	// by its key and both template headers.
	for kind, cols := range columns {
		for i, c := range cols {
			for _, h := range []string{c.key, c.zh, c.en, strings.ToUpper(c.en) + " *"} {
				if j, ok := headerIndex[kind][fold(h)]; !ok || j != i {
					t.Errorf("%s: %q", kind, h)
				}
			}
		}
	}
}

func TestRowNumbersAsTheSheetShowsThem(t *testing.T) {
	// CSV: a quoted cell over two lines is one row; an empty line a row.
	csvData := []byte("name,kind,district\n\"甲\n乙\",企业,南山\n\n丙,企业,北京\n")
	// XLSX: row 3 is absent from the file.
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]string{"name", "kind", "district"})
	f.SetSheetRow("Sheet1", "A2", &[]string{"甲乙", "企业", "南山"})
	f.SetSheetRow("Sheet1", "A4", &[]string{"丙", "企业", "北京"})
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range [][]byte{csvData, buf.Bytes()} {
		res := parse(t, data, KindOrgs)
		last := res.Problems[len(res.Problems)-1]
		if len(res.Problems) != map[string]int{"xlsx": 1, "csv/utf-8": 2}[res.Format] || last.Row != 4 || last.Column != "district" {
			t.Errorf("%s:%s", res.Format, problems(res))
		}
	}
	// A header that is not in row 1.
	for _, data := range [][]byte{[]byte("\nname,kind,district\n"), xlsxOf(t, [][]any{{nil}, {"name", "kind", "district"}})} {
		res := parse(t, data, KindOrgs)
		if len(res.Problems) != 1 || res.Problems[0].Row != 1 || res.Problems[0].Code != models.RuleRequired {
			t.Errorf("%q:%s", data[:min(len(data), 10)], problems(res))
		}
	}
}
