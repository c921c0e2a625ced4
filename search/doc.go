// Package search will hold talenthub's Bleve index: the mapping,
// Chinese-aware analysis, query building from allowed fields, facets,
// highlighting, match scoring with reasons, and the sync from MongoDB's
// change feed (DESIGN.md "Search"). It imports models and Bleve only.
//
// It is empty until the search issue.
package search
