package proofylink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// errWaitTimeout ends a wait that lasted the provider's wait_timeout.
var errWaitTimeout = errors.New("wait_timeout expired")

// errWaitStopped ends a wait when the apply is interrupted: it sends no
// new request.
var errWaitStopped = errors.New("the apply was interrupted")

// wait reads a created verification every PollInterval (the transport's
// rate limiter paces the reads further) until it is completed or failed,
// updating m, for at most the provider's wait_timeout. Giving up early
// (the timeout, an interrupt, a failed read) is a warning: the
// verification exists, the state records its last status, and the next
// refresh goes on reading it.
func (p *Provider) wait(ctx context.Context, m stateMap) providers.Diagnostics {
	code := m["reference_code"].AsString()
	timeout := p.conf().waitTimeout
	if timeout <= 0 {
		timeout = DefaultWaitTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errWaitTimeout)
	defer cancel()
	for !finalStatus(stringValue(m["status"])) {
		if err := sleep(ctx, p.opts.PollInterval); err != nil {
			return p.waitWarning(code, m, err)
		}
		d, err := p.conf().client.detail(ctx, code)
		if err != nil {
			if stopped(ctx) {
				err = errWaitStopped
			}
			return p.waitWarning(code, m, errors.Join(context.Cause(ctx), err))
		}
		m.setRecord(d.Verification)
	}
	return nil
}

func (p *Provider) waitWarning(code string, m stateMap, err error) providers.Diagnostics {
	status := stringValue(m["status"])
	why := redact(err.Error())
	switch {
	case errors.Is(err, errWaitTimeout):
		why = fmt.Sprintf("its status is still %q after %s, the provider's wait_timeout", status, p.conf().waitTimeout)
	case errors.Is(err, errWaitStopped):
		why = fmt.Sprintf("the apply was interrupted while its status was %q", status)
	}
	return providers.Diagnostics{}.Warnf(path("wait_for_result"), "Stopped waiting for the verification's result",
		"Verification %s was created, but waiting for its result stopped: %s. The state records it with its last status; the next plan or "+
			"refresh reads its status again.", code, why)
}

// sleep waits d, or until ctx ends (with its cause) or the apply's stop
// comes (httpx.Stopped).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-httpx.Stopped(ctx):
		return errWaitStopped
	case <-t.C:
		return nil
	}
}

// stopped reports whether the apply's stop has come.
func stopped(ctx context.Context) bool {
	select {
	case <-httpx.Stopped(ctx):
		return true
	default:
		return false
	}
}
