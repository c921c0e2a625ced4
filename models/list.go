package models

import "context"

// ListQuery asks the index for one page of a collection's document IDs. It
// is built by the services from allowed fields only, never from client
// syntax.
type ListQuery struct {
	// Coll is the collection (CollOrgs …).
	Coll string
	// All are conditions that must all hold; a condition holds when any
	// of its terms does (field = value).
	All []AnyOf
	// Not are terms that must not hold.
	Not []Match
	// Ranges bound numeric fields.
	Ranges []Range
	// Text, if set, must match the collection's text fields (every word).
	Text string
	// Sort lists fields, "-" first for descending; newest first when empty.
	Sort []string
	Page Page
}

// The orders of a list by when its records were created (registered,
// reported): the bureau works its queues oldest first.
const (
	OrderNewest = "newest"
	OrderOldest = "oldest"
)

// CreatedOrder is the sort of a ListQuery for an order (OrderNewest,
// OrderOldest), with the id as the tie-break so that pages do not overlap;
// nil for any other value (the list's own default).
func CreatedOrder(order string) []string {
	switch order {
	case OrderNewest:
		return []string{"-created_at", "-_id"}
	case OrderOldest:
		return []string{"created_at", "_id"}
	}
	return nil
}

// AnyOf is a disjunction of terms.
type AnyOf []Match

// Match is field = value on a keyword field of the index ("_id" for the
// document id).
type Match struct {
	Field string
	Value string
}

// Terms returns the condition "field is one of values", or nil when values
// is empty (no condition).
func Terms[S ~string](field string, values ...S) AnyOf {
	if len(values) == 0 {
		return nil
	}
	out := make(AnyOf, len(values))
	for i, v := range values {
		out[i] = Match{Field: field, Value: string(v)}
	}
	return out
}

// Range bounds a numeric field: Min <= value < Max; nil is open.
type Range struct {
	Field    string
	Min, Max *float64
}

// Lister answers list queries with document IDs and the total number of
// matches; the services then read the documents by _id.
type Lister interface {
	List(ctx context.Context, q ListQuery) (ids []string, total int, err error)
}
