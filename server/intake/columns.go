package intake

import (
	"fmt"
)

// column is a column of a kind of sheet: its key (the field), its headers
// in the template and the other headers it is known by.
type column struct {
	key      string
	zh, en   string
	aliases  []string
	required bool
	list     bool // a list cell
}

// The columns' keys.
const (
	colName          = "name"
	colKind          = "kind"
	colDistrict      = "district"
	colIndustries    = "industries"
	colFlags         = "flags"
	colOperators     = "operators"
	colEstablishedOn = "established_on"
	colCapacity      = "capacity"
	colPersonName    = "person_name"
	colIDType        = "id_type"
	colIDNumber      = "id_number"
	colOrg           = "org"
	colDate          = "date"
	colOrigin        = "origin"
	colLevel         = "level"
	colIndustry      = "industry"
	colExternalRef   = "external_ref"
)

var district = column{key: colDistrict, zh: "所在区", en: "District", aliases: []string{"区", "行政区", "区域", "辖区"}, required: true}

var columns = map[Kind][]column{
	KindOrgs: {
		{key: colName, zh: "机构名称", en: "Name", aliases: []string{"名称", "单位名称", "Organisation name", "Organization name"}, required: true},
		{key: colKind, zh: "机构类型", en: "Kind", aliases: []string{"类型", "Type", "Org kind", "Organisation kind"}, required: true},
		district,
		{key: colIndustries, zh: "行业领域", en: "Industries", aliases: []string{"行业", "产业领域", "Industry"}, list: true},
		{key: colFlags, zh: "企业标签", en: "Flags", aliases: []string{"标签", "Tags"}, list: true},
	},
	KindBases: {
		{key: colName, zh: "基地名称", en: "Name", aliases: []string{"名称", "Base name"}, required: true},
		{key: colKind, zh: "基地类型", en: "Kind", aliases: []string{"类型", "Type", "Base kind"}, required: true},
		district,
		{key: colIndustries, zh: "行业领域", en: "Industries", aliases: []string{"行业", "产业领域", "Industry"}, list: true},
		{key: colOperators, zh: "运营机构", en: "Operators", aliases: []string{"运营单位", "运营机构ID", "Operator orgs", "operator_org_ids", "Operator org ids", "Operator"}, required: true, list: true},
		{key: colEstablishedOn, zh: "成立日期", en: "Established on", aliases: []string{"成立时间", "Established"}},
		{key: colCapacity, zh: "容纳人数", en: "Capacity", aliases: []string{"容量", "规模"}},
	},
	KindRecruitments: {
		{key: colPersonName, zh: "姓名", en: "Person name", aliases: []string{"人才姓名", "Name", "Full name"}, required: true},
		{key: colIDType, zh: "证件类型", en: "ID type", aliases: []string{"Identity document", "Document type", "ID document type"}, required: true},
		{key: colIDNumber, zh: "证件号码", en: "ID number", aliases: []string{"证件号", "身份证号", "身份证号码", "Document number", "Identity number"}, required: true},
		{key: colOrg, zh: "用人单位", en: "Organisation", aliases: []string{"机构", "单位", "引进单位", "机构名称", "机构ID", "Organization", "Org", "org_id", "Org ID"}, required: true},
		{key: colDate, zh: "引进日期", en: "Date", aliases: []string{"日期", "入职日期", "Hire date", "Recruited on"}, required: true},
		{key: colOrigin, zh: "人才来源", en: "Origin", aliases: []string{"来源"}, required: true},
		{key: colLevel, zh: "人才层次", en: "Level", aliases: []string{"层次", "级别", "类别"}},
		district,
		{key: colIndustry, zh: "行业领域", en: "Industry", aliases: []string{"行业", "产业领域"}, required: true},
		{key: colExternalRef, zh: "外部编号", en: "External reference", aliases: []string{"编号", "备案编号", "Reference", "External ref", "Ref"}},
	},
}

// headerIndex maps each kind's folded headers to column indexes.
var headerIndex = func() map[Kind]map[string]int {
	out := map[Kind]map[string]int{}
	for kind, cols := range columns {
		m := map[string]int{}
		for i, c := range cols {
			for _, h := range append([]string{c.key, c.zh, c.en}, c.aliases...) {
				f := fold(h)
				if j, ok := m[f]; ok && j != i {
					panic(fmt.Sprintf("intake: header %q names two %s columns", h, kind))
				}
				m[f] = i
			}
		}
		out[kind] = m
	}
	return out
}()

// header returns the column's header in lang ("zh" or "en").
func (c column) header(lang string) string {
	if lang == "en" {
		return c.en
	}
	return c.zh
}
