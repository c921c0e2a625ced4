// Package search is talenthub's Bleve index: the documents of the change
// feed (profiles, organisations, bases, projects, applications, recruitment
// records, audit entries) indexed for lists, filters and search, kept in
// sync with MongoDB by following the change feed, rebuilt from it when
// needed. It never holds contact data or ID numbers.
//
// It imports models and Bleve only; main wires it to the store.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/szdc/talenthub/models"
)

// mappingVersion changes whenever the mapping does; an index built with
// another version is rebuilt at open.
const mappingVersion = "1"

// typeField names the collection of every indexed document.
const typeField = "_type"

// field kinds of the mapping.
const (
	kw   = "keyword"  // exact terms, for filters, facets and sorting
	txt  = "text"     // analysed words, for q
	num  = "number"   // numeric, for ranges and sorting
	date = "datetime" // times, for sorting
	flag = "bool"
)

// fields is the whole mapping on one screen: for each collection, each
// indexed field and its kind. Nothing else is indexed (dynamic mapping is
// off), so a field added to a model reaches the index only by being added
// here — contact data never does.
var fields = map[string]map[string]string{
	models.CollTalents: {
		"name": txt, "headline": txt, "bio": txt, "skills": kw, "tools": kw, "industries": kw, "district": kw,
		"origin": kw, "level": kw, "available": flag, "visibility": kw, "years_experience": num,
		"version": num, "created_at": date, "updated_at": date,
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
		"title": txt, "description": txt, "kind": kw, "org_id": kw, "skills": kw, "industries": kw, "district": kw,
		"status": kw, "deadline": kw, "version": num, "created_at": date, "updated_at": date,
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
}

// textFields are the fields that free text (q) searches, per collection.
func textFields(coll string) []string {
	var out []string
	for f, k := range fields[coll] {
		if k == txt {
			out = append(out, f)
		}
	}
	return out
}

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.TypeField = typeField
	im.DefaultAnalyzer = standard.Name
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
			case txt:
				fm = bleve.NewTextFieldMapping()
				fm.Analyzer = standard.Name
			case num:
				fm = bleve.NewNumericFieldMapping()
			case date:
				fm = bleve.NewDateTimeFieldMapping()
			case flag:
				fm = bleve.NewBooleanFieldMapping()
			}
			// Only the version is read back (to skip changes already
			// applied); the documents themselves come from MongoDB.
			fm.Store = name == "version"
			fm.IncludeInAll = false
			dm.AddFieldMappingsAt(name, fm)
		}
		im.AddDocumentMapping(coll, dm)
	}
	return im
}
