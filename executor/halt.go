package executor

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// A provider that fails in a way no single change causes (a wrong key, an
// endpoint refusing connections, every attempt answered 5xx) halts: the
// caller's Options.Halted says so, apply starts none of its changes any
// more (nor those waiting for them), lets what is in flight finish, and
// reports the cause once with the count of changes not attempted.

// halt names the provider of s when it halted, with the cause kept for
// the report; "" when s may start.
func (a *applier) halt(s *step) string {
	if a.opts.Halted == nil {
		return ""
	}
	p := s.Change.Provider
	err := a.opts.Halted(p)
	if err == nil {
		return ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.halts == nil {
		a.halts = map[string]*Halt{}
	}
	if a.halts[p] == nil {
		a.halts[p] = &Halt{Provider: p, Cause: err}
	}
	return p
}

// notAttempted counts a change not started because provider halted.
func (a *applier) notAttempted(s *step, provider string) {
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeSkipped(s.Change, "")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.report.NotStarted++
	a.report.NotAttempted = append(a.report.NotAttempted, s.Change.Addr)
	if h := a.halts[provider]; h != nil {
		h.NotAttempted++
	}
}

// haltDiagnostics reports each halt once, sorted by provider.
func (a *applier) haltDiagnostics() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, h := range a.halts {
		a.report.Halts = append(a.report.Halts, *h)
	}
	sort.Slice(a.report.Halts, func(i, j int) bool { return a.report.Halts[i].Provider < a.report.Halts[j].Provider })
	for _, h := range a.report.Halts {
		a.report.Diagnostics = append(a.report.Diagnostics, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Stopped starting %s changes", h.Provider),
			Detail: fmt.Sprintf("%s. daftar stopped starting changes of provider %s and of what waits for them, and let the requests in flight finish: %d changes were not attempted. Fix the cause (the provider's credentials, endpoint, or the API's health), then run daftar apply again.",
				h.Cause, h.Provider, h.NotAttempted),
		})
	}
}
