package executor_test

import (
	"context"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/providers"
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
	if rec := e.backend.Resource("fake_account.a"); rec == nil || rec.Pending == nil {
		t.Fatalf("the intent of a create cut by the drain bound must stay: %+v", rec)
	}
}
