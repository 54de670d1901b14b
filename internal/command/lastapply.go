package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/report"
)

// recordLastApply writes the run record daftar report reads: what failed
// and why, what was skipped, not attempted, or excluded. Only addresses
// and the errors' summaries go in, redacted as standard error is. A
// failure to write it is a warning: the state holds the outcomes.
func (r *run) recordLastApply(rep *executor.Report, p *plans.Plan) {
	la := report.LastApply{RunID: r.wiring.runID, Finished: time.Now().UTC(),
		Failed: []report.Outcome{}, Skipped: []report.Outcome{}, NotAttempted: []string{}, Excluded: []report.Outcome{}}
	for _, f := range rep.Failures {
		la.Failed = append(la.Failed, report.Outcome{Address: f.Change.Addr.String(), Reason: string(r.m.redact([]byte(firstSummaryOf(f))))})
	}
	for _, s := range rep.Skips {
		la.Skipped = append(la.Skipped, report.Outcome{Address: s.Change.Addr.String(), Reason: s.Failed})
	}
	for _, a := range rep.NotAttempted {
		la.NotAttempted = append(la.NotAttempted, a.String())
	}
	for _, e := range p.Excluded {
		la.Excluded = append(la.Excluded, report.Outcome{Address: e.Addr.String(), Reason: string(r.m.redact([]byte(e.Reason)))})
	}
	data, err := json.MarshalIndent(la, "", "  ")
	if err == nil {
		err = os.MkdirAll(filepath.Dir(report.LastApplyPath), 0o700)
	}
	if err == nil {
		err = writeFilePrivate(report.LastApplyPath, append(data, '\n'))
	}
	if err != nil {
		r.m.warnf("recording the apply's outcomes for daftar report in %s failed: %s", report.LastApplyPath, err)
	}
}

// firstSummaryOf is a failure's first error, without its address.
func firstSummaryOf(f executor.Failure) string { return firstSummary(f) }
