package command

import (
	"net/http"
	"sync"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/internal/httpx"
)

// maxRetriesPerRun bounds the retries of one run across all providers, so
// that an API that keeps failing ends the run instead of stalling it.
const maxRetriesPerRun = 1000

// transports owns what a run's HTTP clients share: the audit log and the
// retry budget.
type transports struct {
	m      *Meta
	runID  string
	budget *httpx.Budget

	once     sync.Once
	auditLog *audit.Log
	auditErr error
	// auditStart is the log's last seq when the run opened it.
	auditStart uint64
	// limiter, when set, paces each provider's requests with a limiter
	// shared by the workers of a batch instead of this process's own.
	limiter func(provider string, perSecond int) httpx.Limiter

	breakersMu sync.Mutex
	breakers   map[string]*httpx.Breaker // by provider
}

// client returns the HTTP client of one provider: retry (idempotent
// requests only) around the rate limiter around the audit log.
func (t *transports) client(provider string, ratePerSecond int) (*http.Client, error) {
	t.once.Do(func() {
		t.auditLog, t.auditErr = audit.Open(auditPath, audit.Options{RunID: t.runID, Command: t.m.Command})
		if t.auditErr == nil {
			t.auditStart, _ = t.auditLog.Position()
			t.m.defer_(t.closeAudit)
		}
	})
	if t.auditErr != nil {
		return nil, t.auditErr
	}
	var shared httpx.Limiter
	if t.limiter != nil {
		shared = t.limiter(provider, ratePerSecond)
	}
	c := httpx.NewClient(httpx.ClientConfig{
		Limiter:       shared,
		RatePerSecond: ratePerSecond,
		Budget:        t.budget,
		Audit:         t.auditLog,
		Provider:      provider,
	})
	b := &httpx.Breaker{Next: c.Transport, Provider: provider, Threshold: httpx.DefaultBreakerThreshold, ServerThreshold: httpx.DefaultServerThreshold}
	c.Transport = b
	t.breakersMu.Lock()
	if t.breakers == nil {
		t.breakers = map[string]*httpx.Breaker{}
	}
	t.breakers[provider] = b
	t.breakersMu.Unlock()
	return c, nil
}

// halted says why apply must start no more changes of provider: its
// breaker tripped (see httpx.Breaker); nil when it may go on.
func (t *transports) halted(provider string) error {
	t.breakersMu.Lock()
	b := t.breakers[provider]
	t.breakersMu.Unlock()
	if b == nil {
		return nil
	}
	return b.Tripped()
}
