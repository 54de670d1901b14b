package httpx

import (
	"errors"

	"github.com/daftar-dev/daftar/internal/audit"
)

// NotSentLocally reports whether err is a request daftar refused to send
// because of a failure on this machine, not of the network or the API: the
// audit log, which records every request before it is sent, cannot be
// written (a full disk, a folder made read-only). A provider names that
// cause, never "unreachable".
func NotSentLocally(err error) bool { return errors.Is(err, audit.ErrNotSent) }

// NotSentAdvice is what to do about a NotSentLocally error.
const NotSentAdvice = "Nothing was sent: daftar records every request in the audit log (daftar.audit.jsonl) before sending it, and it cannot write it. Free disk space, or make the working directory writable, then run the command again."
