package models

import "slices"

// Term is one entry of a taxonomy: a stable key stored in records and its
// labels in the two languages of the UI.
type Term struct {
	Key string `json:"key"`
	ZH  string `json:"zh"`
	EN  string `json:"en"`
}

// Taxonomy holds the vocabularies of DOMAIN.md "Taxonomies". Records store
// keys only, so labels can be edited without touching data.
type Taxonomy struct {
	Industries []Term `json:"industries"`
	Districts  []Term `json:"districts"`
	// BusinessForms are the plan's four business forms (四大业态).
	BusinessForms []Term `json:"business_forms"`
	BaseKinds     []Term `json:"base_kinds"`
	OrgKinds      []Term `json:"org_kinds"`
	Origins       []Term `json:"origins"`
	Levels        []Term `json:"levels"`
}

// DefaultTaxonomy returns the vocabularies seeded from the action plan.
// Each call returns a fresh copy, so callers may modify it.
func DefaultTaxonomy() Taxonomy {
	return Taxonomy{
		Industries: []Term{
			{"games", "游戏", "Games"},
			{"esports", "电竞", "Esports"},
			{"animation", "动漫", "Animation & comics"},
			{"online_av", "网络视听", "Online audio-visual"},
			{"live_streaming", "直播与短视频", "Live streaming & short video"},
			{"digital_art", "数字艺术", "Digital art"},
			{"creative_design", "创意设计", "Creative design"},
			{"online_literature", "网络文学", "Online literature"},
			{"online_music", "网络音乐", "Online music"},
			{"culture_equipment", "数字文化装备", "Digital culture equipment & terminals"},
			{"vr_ar", "虚拟现实/增强现实", "VR/AR/MR"},
			{"digital_publishing", "数字出版", "Digital publishing"},
			{"film_tv", "影视", "Film & TV"},
			{"digital_heritage", "非遗数字化", "Digital heritage"},
		},
		Districts: []Term{
			{"nanshan", "南山区", "Nanshan"},
			{"longgang", "龙岗区", "Longgang"},
			{"futian", "福田区", "Futian"},
			{"luohu", "罗湖区", "Luohu"},
			{"baoan", "宝安区", "Bao'an"},
			{"yantian", "盐田区", "Yantian"},
			{"longhua", "龙华区", "Longhua"},
			{"pingshan", "坪山区", "Pingshan"},
			{"guangming", "光明区", "Guangming"},
			{"dapeng", "大鹏新区", "Dapeng New District"},
			{"shenshan", "深汕特别合作区", "Shenzhen-Shanwei Special Cooperation Zone"},
			{"outside", "深圳以外", "Outside Shenzhen"},
		},
		BusinessForms: []Term{
			{"tech_equipment", "数字创意技术和设备", "Technology & equipment"},
			{"content", "内容制作", "Content production"},
			{"design", "设计服务", "Design services"},
			{"fusion", "融合服务", "Fusion services"},
		},
		BaseKinds: []Term{
			{"innovation", "产学研用创新基地", "Industry-academia-research innovation base"},
			{"training", "人才培训基地", "Talent training base"},
			{"theme_park", "主题产业园区", "Theme industrial park"},
			{"cooperation", "合作产业基地", "Cooperation base"},
			{"incubator", "孵化基地/双创服务中心", "Incubation base / service centre"},
		},
		OrgKinds: []Term{
			{"incubator", "孵化器", "Incubator"},
			{"service_center", "双创服务中心", "Service centre"},
			{"enterprise", "企业", "Enterprise"},
			{"university", "高校", "University"},
			{"research_institute", "科研院所", "Research institute"},
			{"bureau", "政府部门", "Bureau"},
		},
		Origins: []Term{
			{string(OriginOverseas), "海外", "Overseas"},
			{string(OriginDomestic), "国内", "Domestic"},
		},
		Levels: []Term{
			{string(LevelA), "A类（国家级领军）", "A (national leading)"},
			{string(LevelB), "B类（地方级领军）", "B (local leading)"},
			{string(LevelC), "C类（后备级）", "C (reserve)"},
		},
	}
}

// defaultTaxonomy backs validation. It is never modified after init.
var defaultTaxonomy = DefaultTaxonomy()

func hasKey(terms []Term, key string) bool {
	return slices.ContainsFunc(terms, func(t Term) bool { return t.Key == key })
}

// IsIndustry reports whether key is an industry category of the taxonomy.
func IsIndustry(key string) bool { return hasKey(defaultTaxonomy.Industries, key) }

// IsDistrict reports whether key is a district of the taxonomy.
func IsDistrict(key string) bool { return hasKey(defaultTaxonomy.Districts, key) }
