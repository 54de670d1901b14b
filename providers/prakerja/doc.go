// Package prakerja is daftar's client of the Prakerja partner API (the
// Indonesian pre-employment card programme): the data source
// prakerja_profile (GET /api/v1/resource/user_profile) and the request
// signing of the partner endpoints (Sign, SignRequest).
//
// It owns the meaning of Prakerja's ERROAUTH40xx codes in words a user can
// act on, and the tolerance of both answer shapes the documents show (the
// success envelope with errorCode, and HTTP 400 bodies with code).
//
// Prakerja has no managed resources: the resource methods answer an error.
// The package must not put an access token or a sign key in a diagnostic,
// must not store the access token (the data source's state keeps a keyed
// digest), and must not import the sandbox.
//
// Concurrency: the provider's methods run concurrently after Configure, which
// publishes the configuration once (atomic.Pointer). The package starts no
// goroutine.
package prakerja
