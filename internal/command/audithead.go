package command

import (
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
)

// closeAudit closes the run's audit log and, when the run appended lines,
// records the log's new head in .daftar/audit.head, so that lines removed
// from the end of the log are found by daftar audit verify.
func (t *transports) closeAudit() {
	t.auditLog.Close()
	seq, digest := t.auditLog.Position()
	if seq == t.auditStart {
		return
	}
	h := audit.Head{Log: auditPath, Seq: seq, SHA256: digest, Time: time.Now().UTC(), RunID: t.runID}
	if err := audit.WriteHead(auditPath, h); err != nil {
		t.m.warnf("%s; daftar audit verify cannot check the end of the log until the next run records it", err)
	}
}
