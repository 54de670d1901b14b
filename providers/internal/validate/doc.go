// Package validate holds the input rules that several providers share:
// e-mail addresses, Indonesian phone numbers, calendar dates, enumerations
// and local files named by a configuration.
//
// Each rule is a pure function of its input (and, for dates, of the current
// time) that answers nil or an error whose message says what would be
// valid, so that a provider can put it in a diagnostic's Detail as is.
// Messages never repeat the value when it could be a secret; the caller
// decides whether naming the value is safe.
//
// The package makes no request and knows nothing of cty, schemas or
// diagnostics.
//
// Concurrency: nothing runs concurrently here; the rules are pure functions.
package validate
