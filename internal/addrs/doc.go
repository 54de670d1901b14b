// Package addrs owns the addresses of daftar's configuration objects:
// resources (usapi_account.hire), their instances (usapi_account.hire["ani"],
// proofylink_verification.check[3]) and data sources (data.prakerja_profile.me).
//
// It is a leaf package: it imports nothing of daftar's and knows nothing of
// HCL, state files or providers. Addresses are plain comparable values, so
// they can be map keys; String gives the canonical spelling users type.
//
// Concurrency: nothing runs concurrently here; addresses are immutable
// values, safe to share between goroutines.
package addrs
