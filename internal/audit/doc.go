// Package audit owns the audit log, daftar.audit.jsonl: one JSON line per API
// request a run makes, each line carrying the sha256 of the line before it
// and a digest of itself, so that any edit, deletion, insertion or reordering
// is found by Verify and named by its line number.
//
// The package records what was asked of which API, when, by which run, for
// which resource, and what came back: status, the API's own code, and
// digests of the bodies. It must never record a header value, a body, or a
// query parameter value: those carry passwords, tokens, NIKs and images.
//
// Log appends durably (one write and one fsync per group of lines, see
// Log.Record); NewRoundTripper is the http.RoundTripper layer that turns
// every exchange into an Entry. The package knows nothing of retries, rate
// limits or providers' request shapes.
//
// Concurrency: the log is written from every request in flight at once; a
// mutex orders the records of the chain, and the round tripper that records
// them is safe for concurrent use. The package starts no goroutine.
package audit
