package proofylink

import (
	"context"
	"time"

	"github.com/daftar-dev/daftar/providers"
)

// wait reads a created verification every PollInterval (the transport's
// rate limiter paces the reads further) until it is completed or failed,
// updating m. Giving up early is a warning: the verification exists and the
// next refresh goes on reading it.
func (p *Provider) wait(ctx context.Context, m stateMap) providers.Diagnostics {
	code := m["reference_code"].AsString()
	for !finalStatus(stringValue(m["status"])) {
		if err := sleep(ctx, p.opts.PollInterval); err != nil {
			return waitWarning(code, err)
		}
		d, err := p.client.detail(ctx, code)
		if err != nil {
			return waitWarning(code, err)
		}
		m.setRecord(d.Verification)
	}
	return nil
}

func waitWarning(code string, err error) providers.Diagnostics {
	return providers.Diagnostics{}.Warnf(path("wait_for_result"), "Stopped waiting for the verification's result",
		"Verification %s was created, but waiting for its result stopped: %s. The state records it; the next plan or "+
			"refresh reads its status again.", code, redact(err.Error()))
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
