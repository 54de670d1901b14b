package executor

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

// backfillBatch is how many records one state write of recordDigests
// holds: 100,000 backfilled records are 20 journal lines and 20 fsyncs
// (or 20 PostgreSQL transactions), not 100,000, while a line stays a few
// megabytes. A variable for the tests (export_test.go).
var backfillBatch = 5000

// recordDigests records the configuration digest of each no-op its
// provider planned against a record that lacks it (Evaluator.Backfill):
// the record as stored, only its config_digest set, so that the next plan
// of the same configuration takes the fast path. A record an older daftar
// wrote, or one imported, gains it at the first apply that finds it
// unchanged, an apply with no changes included.
//
// It runs once every change has finished, and not after an interrupt (the
// next apply records them). Each write is one Update of up to
// backfillBatch records, durable as a whole or not at all: a crash leaves
// some records without their digest, planned in full next time, never a
// record changed otherwise.
func (a *applier) recordDigests() {
	if a.ctx.Err() != nil {
		return
	}
	var set []*state.Resource
	flush := func() bool {
		if len(set) == 0 {
			return true
		}
		err := a.persist(state.Update{Set: set})
		set = nil // the state keeps the records written, not this slice's array
		if err != nil {
			a.addDiags(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot record configuration digests",
				Detail: fmt.Sprintf("The state could not be written: %s. Nothing the remote holds is affected; the unchanged records are planned in full until an apply records their digests.", err)}})
			return false
		}
		return true
	}
	for _, c := range a.plan.Changes {
		if c == nil || c.Action != plans.NoOp || c.Persist { // nil: released (Options.ReleaseChanges)
			continue
		}
		fp := a.eval.Backfill(c)
		if fp == "" {
			continue
		}
		rec := a.opts.State.Resources[c.Addr.String()]
		if rec == nil || rec.Pending() != nil || rec.HasConfigDigest(fp) {
			continue
		}
		with := *rec
		with.SetConfigDigest(fp)
		if set = append(set, &with); len(set) == backfillBatch && !flush() {
			return
		}
	}
	flush()
}
