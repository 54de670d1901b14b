// Package secrets owns the key behind daftar's keyed digests: the digests
// that stand in the state, the plan files and the journal for values that
// must never be stored in clear (passwords, access tokens, NIKs, KTP
// images).
//
// The key lives outside the state: in DAFTAR_DIGEST_KEY, or in a file under
// the working directory's .daftar/ folder (mode 0600) created on first use.
// Without the key, a digest of a 16-digit NIK cannot be brute-forced from a
// leaked state file.
//
// Concurrency: the Digester and the Redactor are shared by every goroutine of
// a run; the Redactor's list of secrets is guarded by a read-write mutex. The
// package starts no goroutine.
package secrets
