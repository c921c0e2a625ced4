// Package search is talenthub's Bleve index: the documents of the change
// feed (profiles, organisations, bases, projects, applications, recruitment
// records, audit entries, startup teams, incubator calls and their entries)
// indexed for search, lists, filters and facets, kept in sync with MongoDB
// by following the change feed, rebuilt from it when needed. It never holds
// contact data or ID numbers.
//
// It imports models, Bleve and its analysis (gse) only; main wires it to the
// store.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/szdc/talenthub/models"
)

// mappingVersion changes whenever the mapping does; an index built with
// another version (or another dictionary or synonym table) is rebuilt at
// open.
const mappingVersion = "12"

// typeField names the collection of every indexed document.
const typeField = "_type"

// Field kinds.
const (
	kw   = "keyword"  // exact terms: filters, facets, sorting
	key  = "key"      // exact terms folded (lower case, Simplified): skill and tool filters
	txt  = "text"     // analysed words: free text (q)
	raw  = "raw"      // the English words of free text as written: typos (rawAnalyzer)
	lst  = "listed"   // analysed like text, without positions: the skills and tools a profile lists
	num  = "number"   // numbers: ranges, sorting
	date = "datetime" // times: sorting
	flag = "bool"
)

// fields is the whole mapping on one screen: each collection's indexed
// fields and their kinds. Nothing else is indexed (dynamic mapping is off),
// so a field reaches the index only by being named here: contact data
// never does. A collection of the feed that is not named here (milestones)
// is not indexed at all: rebuilds, catch-ups, reconciliations and local
// changes pass over it (indexes).
var fields = map[string]map[string]string{
	models.CollTalents: {
		"text": txt, rawField: raw, listedField: lst, "skills": kw, "tools": kw, "skills_key": key, "tools_key": key, pinyinField: kw,
		"industries": kw, "district": kw, "origin": kw, "level": kw, "available": flag, "visibility": kw,
		"years_experience": num, "version": num, "created_at": date, "updated_at": date,
	},
	models.CollOrgs: {
		"name": txt, "kind": kw, "district": kw, "industries": kw, "flags": kw, "status": kw, "member_ids": kw,
		"version": num, "created_at": date, "updated_at": date,
	},
	models.CollBases: {
		"name": txt, "kind": kw, "district": kw, "industries": kw, "operator_org_ids": kw, "status": kw,
		"version": num, "created_at": date, "updated_at": date,
	},
	models.CollProjects: {
		"text": txt, rawField: raw, listedField: lst, "kind": kw, "org_id": kw, "skills": kw, "skills_key": key,
		"industries": kw, "district": kw, "status": kw, "deadline": kw, "version": num, "created_at": date, "updated_at": date,
		"pay_unit": kw, "pay_min": num, "pay_max": num, "pay_monthly": num,
	},
	models.CollApplications: {
		"project_id": kw, "org_id": kw, "talent_id": kw, "stage": kw, "initiated_by": kw,
		"version": num, "created_at": date, "updated_at": date,
	},
	models.CollRecruitments: {
		"talent_id": kw, "org_id": kw, "status": kw, "district": kw, "industry": kw, "origin": kw, "level": kw,
		"date": kw, "year": num, "high_end": flag, "version": num, "created_at": date, "updated_at": date,
	},
	models.CollAudit: {
		"action": kw, "resource_type": kw, "resource_id": kw, "actor_id": kw,
		"version": num, "created_at": date, "updated_at": date,
	},
	models.CollTeams: {
		"text": txt, rawField: raw, "stage": kw, "industry": kw, "district": kw, "member_ids": kw, "invited_ids": kw, "founder_id": kw,
		"version": num, "created_at": date, "updated_at": date,
	},
	// opens and closes are days (YYYY-MM-DD): they sort and range as
	// written (List takes day bounds for them, index.go dayFields).
	models.CollCalls: {
		"text": txt, rawField: raw, "org_id": kw, "industries": kw, "stages": kw, "reviewers": kw,
		"opens": kw, "closes": kw, "individuals": flag, "created_by": kw,
		"version": num, "created_at": date, "updated_at": date,
	},
	models.CollEntries: {
		"call_id": kw, "org_id": kw, "team_id": kw, "applicant_id": kw, "status": kw, "submitted_at": date,
		"version": num, "created_at": date, "updated_at": date,
	},
}

// textFields are the free-text fields of a collection with their boosts.
// Profiles and projects put all their text in one field: a query term is
// then one postings list, not one per field (measured: the per-field
// disjunctions made a single word cost several times more at 100k), and a
// headline or a skill weighs more by being indexed twice (docs.go).
// Highlights are drawn from the documents themselves (highlight.go).
var textFields = map[string]map[string]float64{
	models.CollTalents:  {"text": 1},
	models.CollProjects: {"text": 1},
	models.CollOrgs:     {"name": 1},
	models.CollBases:    {"name": 1},
	models.CollTeams:    {"text": 1},
	models.CollCalls:    {"text": 1},
}

// Analysis chooses the analyser of free text.
type Analysis string

// The two analysers measured against each other (BENCHMARKS.md): words
// (gse segmentation, the default) and Bleve's CJK bigrams.
const (
	AnalysisWords   Analysis = "words"
	AnalysisBigrams Analysis = "bigrams"
)

// storedFields are the names stored in every collection that has them:
// the facet fields of any collection.
var storedFields = func() map[string]bool {
	out := map[string]bool{}
	for _, fs := range facetFields {
		for _, f := range fs {
			out[f] = true
		}
	}
	return out
}()

func newMapping(a Analysis) (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	text := textAnalyzer
	if a == AnalysisBigrams {
		text = bigramAnalyzer
	}
	im.TypeField = typeField
	im.DefaultAnalyzer = keyword.Name
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	for coll, fs := range fields {
		dm := bleve.NewDocumentStaticMapping()
		tf := bleve.NewKeywordFieldMapping()
		tf.Store, tf.IncludeInAll = false, false
		dm.AddFieldMappingsAt(typeField, tf)
		for name, kind := range fs {
			var fm *mapping.FieldMapping
			switch kind {
			case kw:
				fm = bleve.NewKeywordFieldMapping()
				fm.Analyzer = keyword.Name
			case key:
				fm = bleve.NewKeywordFieldMapping()
				fm.Analyzer = keyAnalyzer
			case txt:
				fm = bleve.NewTextFieldMapping()
				fm.Analyzer = text
				// Positions, for phrases.
				fm.IncludeTermVectors = true
			case lst:
				fm = bleve.NewTextFieldMapping()
				fm.Analyzer = text
				fm.IncludeTermVectors = false
			case raw:
				fm = bleve.NewTextFieldMapping()
				fm.Analyzer = rawAnalyzer
				fm.IncludeTermVectors = false
			case num:
				fm = bleve.NewNumericFieldMapping()
			case date:
				fm = bleve.NewDateTimeFieldMapping()
			case flag:
				fm = bleve.NewBooleanFieldMapping()
			}
			// Read back: the version (to skip changes already applied) and
			// the facets (to keep the browse counts, facets.go); documents
			// themselves come from MongoDB. A field is stored in every
			// collection or in none: Bleve keeps one set of options per
			// field name in a segment, and a merge of segments where one
			// collection stores "district" and another does not dropped
			// the stored values (TestFacetValuesSurviveSegmentMerges).
			fm.Store = name == "version" || storedFields[name]
			fm.IncludeInAll = false
			dm.AddFieldMappingsAt(name, fm)
		}
		im.AddDocumentMapping(coll, dm)
	}
	return im, nil
}
