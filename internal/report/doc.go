// Package report builds the auditors' report of a working directory: who
// was registered (USAPI accounts) and verified (Proofylink verifications),
// with what result and on what evidence, which creates are still
// undecided, and the span of the audit log the report covers; and writes
// it as a self-contained HTML page (inline CSS and an inline SVG chart of
// the credibility levels, no script, no external resource), as CSV or as
// JSON.
//
// It reads the state and a summary of the audit log that the command line
// gives it; it writes nothing but the report. A report holds names and
// e-mail addresses (an auditor needs them) and never a NIK in clear: NIKs
// are shown masked (3171********0123), even if a state held one in clear.
//
// Concurrency: nothing runs concurrently here.
package report
