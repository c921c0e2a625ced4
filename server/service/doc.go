// Package service implements the business services of models (accounts,
// talent profiles) on top of the store interfaces of models. The HTTP API
// and the web pages both call these services, so a rule lives in one place.
//
// It imports models and the standard library (plus x/crypto for password
// hashing); it never sees the driver, Fiber or Bleve. main wires it.
package service
