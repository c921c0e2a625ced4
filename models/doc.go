// Package models is the domain of talenthub: its types, taxonomies, validation,
// errors and rules (visibility, contact masking), and the interfaces that the
// stores and services implement.
//
// It imports only the standard library and the validator, so that every other
// package can depend on it and it depends on none of them.
package models
