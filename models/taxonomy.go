package models

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Term is one entry of a taxonomy: a stable key stored in records and its
// labels in the two languages of the UI. A retired term stays valid in old
// records and keeps its labels, but new input may not use it.
type Term struct {
	Key     string `json:"key"`
	ZH      string `json:"zh"`
	EN      string `json:"en"`
	Retired bool   `json:"retired,omitempty"`
}

// Taxonomy holds the vocabularies of the action plan (docs/counting.md). They are data
// (seeded from the plan, editable by admins), not code: records store keys
// only, so labels can change without touching records.
type Taxonomy struct {
	Industries []Term `json:"industries"`
	Districts  []Term `json:"districts"`
	// BusinessForms are the plan's four business forms (四大业态).
	BusinessForms []Term `json:"business_forms"`
	BaseKinds     []Term `json:"base_kinds"`
	OrgKinds      []Term `json:"org_kinds"`
	OrgFlags      []Term `json:"org_flags"`
	ProjectKinds  []Term `json:"project_kinds"`
	// Origins and Levels drive counting, so their keys are fixed; only their
	// labels are data.
	Origins []Term `json:"origins"`
	Levels  []Term `json:"levels"`

	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultTaxonomy returns the vocabularies seeded from the action plan.
// Each call returns a fresh copy.
func DefaultTaxonomy() Taxonomy {
	return Taxonomy{
		Industries: []Term{
			{Key: "games", ZH: "游戏", EN: "Games"},
			{Key: "esports", ZH: "电竞", EN: "Esports"},
			{Key: "animation", ZH: "动漫", EN: "Animation & comics"},
			{Key: "online_av", ZH: "网络视听", EN: "Online audio-visual"},
			{Key: "live_streaming", ZH: "直播与短视频", EN: "Live streaming & short video"},
			{Key: "digital_art", ZH: "数字艺术", EN: "Digital art"},
			{Key: "creative_design", ZH: "创意设计", EN: "Creative design"},
			{Key: "online_literature", ZH: "网络文学", EN: "Online literature"},
			{Key: "online_music", ZH: "网络音乐", EN: "Online music"},
			{Key: "culture_equipment", ZH: "数字文化装备", EN: "Digital culture equipment & terminals"},
			{Key: "vr_ar", ZH: "虚拟现实/增强现实", EN: "VR/AR/MR"},
			{Key: "digital_publishing", ZH: "数字出版", EN: "Digital publishing"},
			{Key: "film_tv", ZH: "影视", EN: "Film & TV"},
			{Key: "digital_heritage", ZH: "非遗数字化", EN: "Digital heritage"},
		},
		Districts: []Term{
			{Key: "nanshan", ZH: "南山区", EN: "Nanshan"},
			{Key: "longgang", ZH: "龙岗区", EN: "Longgang"},
			{Key: "futian", ZH: "福田区", EN: "Futian"},
			{Key: "luohu", ZH: "罗湖区", EN: "Luohu"},
			{Key: "baoan", ZH: "宝安区", EN: "Bao'an"},
			{Key: "yantian", ZH: "盐田区", EN: "Yantian"},
			{Key: "longhua", ZH: "龙华区", EN: "Longhua"},
			{Key: "pingshan", ZH: "坪山区", EN: "Pingshan"},
			{Key: "guangming", ZH: "光明区", EN: "Guangming"},
			{Key: "dapeng", ZH: "大鹏新区", EN: "Dapeng New District"},
			{Key: "shenshan", ZH: "深汕特别合作区", EN: "Shenzhen-Shanwei Special Cooperation Zone"},
			{Key: "outside", ZH: "深圳以外", EN: "Outside Shenzhen"},
		},
		BusinessForms: []Term{
			{Key: "tech_equipment", ZH: "数字创意技术和设备", EN: "Technology & equipment"},
			{Key: "content", ZH: "内容制作", EN: "Content production"},
			{Key: "design", ZH: "设计服务", EN: "Design services"},
			{Key: "fusion", ZH: "融合服务", EN: "Fusion services"},
		},
		BaseKinds: []Term{
			{Key: BaseInnovation, ZH: "产学研用创新基地", EN: "Industry-academia-research innovation base"},
			{Key: BaseTraining, ZH: "人才培训基地", EN: "Talent training base"},
			{Key: BaseThemePark, ZH: "主题产业园区", EN: "Theme industrial park"},
			{Key: BaseCooperation, ZH: "合作产业基地", EN: "Cooperation base"},
			{Key: BaseIncubator, ZH: "孵化基地/双创服务中心", EN: "Incubation base / service centre"},
		},
		OrgKinds: []Term{
			{Key: OrgIncubator, ZH: "孵化器", EN: "Incubator"},
			{Key: OrgServiceCenter, ZH: "双创服务中心", EN: "Service centre"},
			{Key: OrgEnterprise, ZH: "企业", EN: "Enterprise"},
			{Key: OrgUniversity, ZH: "高校", EN: "University"},
			{Key: OrgResearchInstitute, ZH: "科研院所", EN: "Research institute"},
			{Key: OrgBureau, ZH: "政府部门", EN: "Bureau"},
		},
		OrgFlags: []Term{
			{Key: FlagLeading, ZH: "龙头企业", EN: "Leading enterprise"},
			{Key: FlagSME, ZH: "中小微企业", EN: "Small or micro enterprise"},
			{Key: FlagSpecialized, ZH: "专精特新", EN: "Specialised and innovative"},
			{Key: FlagBrand, ZH: "全国知名品牌", EN: "National brand"},
		},
		ProjectKinds: []Term{
			{Key: string(ProjectJob), ZH: "岗位", EN: "Job"},
			{Key: string(ProjectIncubation), ZH: "孵化", EN: "Incubation"},
			{Key: string(ProjectTraining), ZH: "培训", EN: "Training"},
			{Key: string(ProjectCollaboration), ZH: "合作", EN: "Collaboration"},
		},
		Origins: []Term{
			{Key: string(OriginOverseas), ZH: "海外（含港澳台）", EN: "Overseas (incl. HK, Macao, Taiwan)"},
			{Key: string(OriginDomestic), ZH: "国内", EN: "Domestic"},
		},
		Levels: []Term{
			{Key: string(LevelA), ZH: "A类（国家级领军）", EN: "A (national leading)"},
			{Key: string(LevelB), ZH: "B类（地方级领军）", EN: "B (local leading)"},
			{Key: string(LevelC), ZH: "C类（后备级）", EN: "C (reserve)"},
		},
	}
}

// lists returns the vocabularies by name, for validation and comparison.
func (t *Taxonomy) lists() map[string]*[]Term {
	return map[string]*[]Term{
		"industries": &t.Industries, "districts": &t.Districts, "business_forms": &t.BusinessForms,
		"base_kinds": &t.BaseKinds, "org_kinds": &t.OrgKinds, "org_flags": &t.OrgFlags,
		"project_kinds": &t.ProjectKinds, "origins": &t.Origins, "levels": &t.Levels,
	}
}

// accepts reports whether key is a live (not retired) term of terms.
func accepts(terms []Term, key string) bool {
	return slices.ContainsFunc(terms, func(t Term) bool { return t.Key == key && !t.Retired })
}

// Label returns the label of key in terms for lang ("zh" or "en"), or the
// key itself when it is unknown.
func Label(terms []Term, key, lang string) string {
	for _, t := range terms {
		if t.Key == key {
			if lang == "en" {
				return t.EN
			}
			return t.ZH
		}
	}
	return key
}

var termKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// MaxTerms is the most terms one vocabulary holds (the API documents it).
const MaxTerms = 200

// CheckUpdate validates next as a replacement of t: every key must be well
// formed, labelled and unique; keys may be added or retired but never
// removed (records hold them); origins and levels keep their fixed keys.
func (t *Taxonomy) CheckUpdate(next *Taxonomy) error {
	fields, rules := map[string]string{}, map[string]FieldRule{}
	fail := func(field string, rule Rule, param, msg string) {
		fields[field], rules[field] = msg, FieldRule{rule, param}
	}
	old, nu := t.lists(), next.lists()
	for name, list := range nu {
		if len(*list) > MaxTerms {
			fail(name, RuleMaxItems, fmt.Sprint(MaxTerms), fmt.Sprintf("has more than %d terms", MaxTerms))
			continue
		}
		seen := map[string]bool{}
		for i, term := range *list {
			path := fmt.Sprintf("%s[%d]", name, i)
			switch {
			case !termKeyRE.MatchString(term.Key) && name != "levels":
				fail(path+".key", RuleTermKey, "", "must be 2-40 lower-case letters, digits or _ and start with a letter")
			case seen[term.Key]:
				fail(path+".key", RuleRepeated, "", "repeats an earlier key")
			case term.ZH == "" || term.EN == "" || !cleanText(term.ZH, false) || !cleanText(term.EN, false) || len(term.ZH) > 200 || len(term.EN) > 200:
				fail(path, RuleTermLabels, "", "needs a Chinese and an English label of visible text (200 bytes at most)")
			}
			seen[term.Key] = true
		}
		for _, term := range *old[name] {
			if !seen[term.Key] {
				fail(name, RuleTermKept, term.Key, fmt.Sprintf("key %q is missing: records may use it, so retire it instead of removing it", term.Key))
			}
		}
		if (name == "origins" || name == "levels") && len(*list) != len(*old[name]) {
			fail(name, RuleTermsFixed, "", "keys are fixed (they drive counting); only labels can change")
		}
	}
	if len(fields) > 0 {
		return &Error{Code: CodeValidation, Message: "the taxonomy is invalid", Fields: fields, Rules: rules}
	}
	return nil
}

type taxonomyKey struct{}

// taxonomyFrom returns the taxonomy that validation runs against.
func taxonomyFrom(ctx context.Context) *Taxonomy {
	if t, ok := ctx.Value(taxonomyKey{}).(*Taxonomy); ok && t != nil {
		return t
	}
	return &defaultTaxonomy
}

// defaultTaxonomy backs Validate when no taxonomy is given. It is never
// modified after init.
var defaultTaxonomy = DefaultTaxonomy()

// Validate checks v against its `validate` tags, with taxonomy tags
// (district, industry, base_kind …) checked against t.
func (t *Taxonomy) Validate(v any) error {
	return validateCtx(context.WithValue(context.Background(), taxonomyKey{}, t), v)
}

// TaxonomyStore persists the taxonomy.
type TaxonomyStore interface {
	// Taxonomy returns the stored taxonomy, or CodeNotFound.
	Taxonomy(ctx context.Context) (*Taxonomy, error)
	// SeedTaxonomy stores t if no taxonomy is stored yet.
	SeedTaxonomy(ctx context.Context, t *Taxonomy) error
	// ReplaceTaxonomy stores t if the stored one is at ifVersion.
	ReplaceTaxonomy(ctx context.Context, t *Taxonomy, ifVersion int64) (*Taxonomy, error)
}

// TaxonomyService serves the taxonomy to everyone and lets admins edit it.
type TaxonomyService interface {
	// Get returns the current taxonomy.
	Get(ctx context.Context) (*Taxonomy, error)
	// Replace replaces the taxonomy (admin). Returns CodeForbidden,
	// CodeValidation, CodePreconditionFailed.
	Replace(ctx context.Context, actor *User, t Taxonomy, ifVersion int64) (*Taxonomy, error)
}
