package executor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// A request still in flight when the drain bound ends is cancelled: Apply
// returns, and the create's intent stays for the next plan to resolve.
func TestApplyDrainIsBounded(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}`)
	ctx, cancel := context.WithCancel(context.Background())
	e.fake.OnApply = func(callCtx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		cancel() // the interrupt comes while the create is in flight
		if callCtx.Err() != nil {
			t.Error("a request in flight must outlive the interrupt")
		}
		<-callCtx.Done() // an answer that never comes
		return providers.ApplyResponse{Uncertain: true, NewState: cty.NullVal(req.Planned.Type()),
			Diagnostics: providers.Diagnostics{}.Errorf(nil, "Outcome unknown", "cancelled")}
	}
	e.fake.OnResolve = func(providers.ResolveRequest) providers.ResolveResponse {
		return providers.ResolveResponse{Resolution: providers.Undecided, Message: "the search was cancelled"}
	}
	rep := e.apply(ctx, executor.Options{DrainTimeout: 20 * time.Millisecond})
	if rep.Failed != 1 || rep.Added != 0 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	if rec := e.backend.Resource("fake_account.a"); rec == nil || rec.Pending() == nil {
		t.Fatalf("the intent of a create cut by the drain bound must stay: %+v", rec)
	}
}

// A create the interrupt kept from being sent (the provider reports it
// certainly not made) is a change not started, not a failure: its intent
// is removed and only the interrupt is reported.
func TestApplyCreateUnsentWhenInterrupted(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}`)
	ctx, cancel := context.WithCancel(context.Background())
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		cancel()
		return providers.ApplyResponse{NewState: cty.NullVal(req.Planned.Type()),
			Diagnostics: providers.Diagnostics{}.Errorf(nil, "Not created", "request not sent: the run was interrupted")}
	}
	rep := e.apply(ctx, executor.Options{})
	if rep.Failed != 0 || rep.NotStarted != 1 || !rep.Interrupted {
		t.Fatalf("report %+v, want the change not started", rep)
	}
	if len(rep.Diagnostics) != 1 || rep.Diagnostics[0].Summary != "Apply interrupted" {
		t.Fatalf("diagnostics: %s, want only the interrupt", summaries(rep.Diagnostics))
	}
	if rec := e.backend.Resource("fake_account.a"); rec != nil {
		t.Fatalf("the intent of a create never sent must be removed: %+v", rec)
	}
}

func summaries(diags hcl.Diagnostics) string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary)
	}
	return strings.Join(out, "; ")
}
