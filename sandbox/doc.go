// Package sandbox serves faithful fakes of the three services daftar talks to:
// USAPI (under /usapi), Proofylink (under /proofylink) and Prakerja (under
// /prakerja), plus GET /_sandbox/state for inspection.
//
// The fakes follow the seed documents in ../shared/seeds to the letter: the
// same paths, methods, headers, validation rules, status codes, messages and
// body shapes. Where the documents contradict themselves the sandbox follows
// the example payloads; docs/sandbox.md lists each such call.
//
// The package owns:
//   - the HTTP handlers of the three APIs and their validation rules;
//   - an append-only JSON-lines store (records.jsonl in Options.DataDir),
//     written before each answer and replayed on start;
//   - fault injection (latency, 500s, dropped connections, 429 above a rate)
//     and request accounting;
//   - the `daftar sandbox` command (Main).
//
// It must not share code with the API clients in providers/: a rule written
// twice, once from each side of the wire, catches misreadings that a shared
// function would hide. It must not start background goroutines to move
// verifications along: a verification's status is derived from the time
// since its creation.
package sandbox
