package executor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// TestApplyPerInstanceDependencies: a failed instance skips the instances
// that name it, and what uses its resource whole, nothing else; an
// instance that names one instance starts as soon as that one is done,
// with its applied value.
func TestApplyPerInstanceDependencies(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "p" {
  for_each = toset(["a", "b", "c"])
  name     = each.key
}
resource "fake_account" "v" {
  for_each = toset(["a", "b", "c"])
  name     = "v${each.key}"
  tag      = fake_account.p[each.key].id
}
resource "fake_account" "w" {
  for_each = toset(["a", "b", "c"])
  name     = "w${each.key}"
  tag      = fake_account.v[each.key].id
}
resource "fake_account" "all" {
  name = "all"
  tag  = join(",", [for a in fake_account.p : a.id])
}`)
	vaStarted := make(chan struct{})
	e.fake.OnApply = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		switch req.Addr {
		case `fake_account.p["b"]`:
			return providers.ApplyResponse{Diagnostics: providers.Diagnostics{}.Errorf(nil, "Conflict", "POST /signup answered 409 (USER_EXISTS).")}
		case `fake_account.v["a"]`:
			close(vaStarted)
		case `fake_account.p["c"]`:
			// p["c"] finishes only once v["a"] has started: a schedule
			// that waits for the whole of p would never get there.
			select {
			case <-vaStarted:
			case <-time.After(20 * time.Second):
				t.Error(`fake_account.v["a"] did not start before the whole of fake_account.p finished`)
			}
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	rep := e.apply(context.Background(), executor.Options{Parallelism: 4})
	if rep.Added != 6 || rep.Failed != 1 || rep.Skipped != 3 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	skipped := map[string]string{}
	for _, sk := range rep.Skips {
		skipped[sk.Change.Addr.String()] = sk.Failed
	}
	for _, addr := range []string{`fake_account.v["b"]`, `fake_account.w["b"]`, `fake_account.all`} {
		if skipped[addr] != `fake_account.p["b"]` {
			t.Errorf("%s skipped because of %q, want fake_account.p[\"b\"]", addr, skipped[addr])
		}
	}
	for addr, tag := range map[string]string{`fake_account.v["a"]`: "id-a", `fake_account.w["c"]`: "id-vc"} {
		r := e.backend.Resource(addr)
		if r == nil || !strings.Contains(string(backendtest.AttrsOf(r)), `"tag":"`+tag+`"`) {
			t.Errorf("%s: record %v, want tag %s", addr, r, tag)
		}
	}
	if e.backend.Resource(`fake_account.v["b"]`) != nil {
		t.Error(`fake_account.v["b"] must not be created`)
	}
}
