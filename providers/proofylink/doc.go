// Package proofylink is daftar's client of the Proofylink identity
// screening API: the proofylink_verification resource and the
// proofylink_verifications and proofylink_token_balance data sources.
//
// It owns what the API's operations mean: which inputs are valid (NIK,
// phone, e-mail, consent method, files), that every input change is a new
// paid verification, how to read a verification until it reaches a final
// status, and how to find the verification an interrupted create may have
// made.
//
// It must not keep a NIK in clear anywhere the engine can see: plans and
// states hold the masked form (3171********0123) and a keyed digest, and
// every diagnostic masks the NIK and any 16-digit run an API message echoes.
// It must not retry a create: an answer that leaves the outcome open is
// reported as Uncertain and resolved by ResolveResource. It knows nothing
// of HCL, plans or state files, and never imports the sandbox.
//
// Concurrency: the provider's methods run concurrently after Configure, which
// publishes the configuration once (atomic.Pointer). The plan's look for
// existing verifications (guard) is shared by every instance planned at once:
// its list pages are read once, under a mutex. The package starts no
// goroutine.
package proofylink
