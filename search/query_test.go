package search

import (
	"context"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

func TestParseText(t *testing.T) {
	p, err := ParseText(`原画 "level design"  -二次元 UE5，“动作 捕捉” -`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Words, "|") != "原画|UE5" || strings.Join(p.Phrases, "|") != "level design|动作 捕捉" || strings.Join(p.Excluded, "|") != "二次元" {
		t.Fatalf("%+v", p)
	}
	p, err = ParseText(`"unclosed phrase`)
	if err != nil || len(p.Phrases) != 1 || p.Phrases[0] != "unclosed phrase" {
		t.Fatalf("unclosed: %+v %v", p, err)
	}
	for name, q := range map[string]string{
		"too long":            strings.Repeat("字", 201),
		"too many words":      strings.Repeat("a ", 13),
		"too many phrases":    strings.Repeat(`"a" `, 6),
		"too many exclusions": "a " + strings.Repeat("-x ", 11),
		"only exclusions":     "-a -b",
		"control":             "a\x00b",
		"invalid UTF-8":       "\xff",
	} {
		if _, err := ParseText(q); !models.IsCode(err, models.CodeBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Within the word and length limits, words that each expand to many terms
// (long Chinese words: their sub-words and synonyms) are refused as too
// complex rather than run.
func TestTooComplexQueryIsRefused(t *testing.T) {
	ix := memIndex(t)
	q := "游戏原画设计师角色场景概念美术 电竞赛事解说主持导播运营策划 动画特效合成剪辑调色包装设计 虚拟现实增强现实交互开发引擎 " +
		"数字出版网络文学编辑校对运营 直播短视频策划拍摄剪辑运营 影视后期特效合成调色剪辑包装 非遗数字化三维扫描建模修复 " +
		"网络音乐编曲混音作曲制作人 创意设计平面设计品牌视觉包装 文化装备舞台灯光音响工程师 数字艺术生成艺术交互装置"
	p, err := ParseText(q)
	if err != nil {
		t.Fatalf("within the parse limits, refused: %v", err)
	}
	if _, _, err := ix.textQuery(models.CollTalents, p, nil); !models.IsCode(err, models.CodeBadRequest) || !strings.Contains(err.Error(), "too complex") {
		t.Fatalf("a query of 66 terms: %v", err)
	}
	if _, err := ix.SearchTalents(context.Background(), models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic}}); !models.IsCode(err, models.CodeBadRequest) {
		t.Fatalf("searching with it: %v", err)
	}
}
