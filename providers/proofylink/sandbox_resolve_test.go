package proofylink

import (
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

func (e *sandboxEnv) resolve(cfg cty.Value, started time.Time) providers.ResolveResponse {
	return e.p.ResolveResource(e.t.Context(), providers.ResolveRequest{Type: verificationType, Addr: testUserAddr, Config: cfg, Started: started})
}

func TestResolveAdopted(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	cfg := configFor(consentOwn, map[string]cty.Value{"verification_type_id": cty.NumberIntVal(3)})
	started := e.clock.Now()
	e.mustCreate(config(map[string]cty.Value{"id_number": cty.StringVal(testNIK2)})) // same name, other NIK
	e.mustCreate(config(map[string]cty.Value{"verification_type_id": cty.NumberIntVal(2)}))
	created := e.mustCreate(cfg)

	res := e.resolve(cfg, started)
	mustNoErrors(t, res.Diagnostics)
	code := str(created, "reference_code")
	if res.Resolution != providers.Adopted || str(res.NewState, "reference_code") != code {
		t.Fatalf("resolution %v, state %#v, message %q", res.Resolution, res.NewState, res.Message)
	}
	if want := "adopted reference_code " + code + " created by an interrupted apply"; res.Message != want {
		t.Errorf("message %q, want %q", res.Message, want)
	}
	if pr := e.plan(cfg, res.NewState); len(pr.RequiresReplace) != 0 || pr.Spends != 0 {
		t.Errorf("plan after adoption: replace %v, spends %d", pr.RequiresReplace, pr.Spends)
	}
}

func TestResolveNotCreated(t *testing.T) {
	tests := map[string]struct {
		createFirst bool
		after       time.Duration // Started relative to the sandbox's now
	}{
		"nothing on the remote":      {false, 0},
		"only an older verification": {true, 10 * time.Minute},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			if tt.createFirst {
				e.mustCreate(config(nil))
			}
			res := e.resolve(config(nil), e.clock.Now().Add(tt.after))
			mustNoErrors(t, res.Diagnostics)
			if res.Resolution != providers.NotCreated || !res.NewState.IsNull() {
				t.Errorf("resolution %v, message %q", res.Resolution, res.Message)
			}
		})
	}
}

func TestResolveWithinClockSkew(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	e.mustCreate(config(nil))
	res := e.resolve(config(nil), e.clock.Now().Add(time.Minute)) // our clock a minute ahead
	if res.Resolution != providers.Adopted {
		t.Errorf("resolution %v, message %q", res.Resolution, res.Message)
	}
}

func TestResolveUndecided(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	started := e.clock.Now()
	a := e.mustCreate(config(nil))
	b := e.mustCreate(config(nil))
	res := e.resolve(config(nil), started)
	if res.Resolution != providers.Undecided || !res.NewState.IsNull() {
		t.Fatalf("resolution %v", res.Resolution)
	}
	for _, want := range []string{str(a, "reference_code"), str(b, "reference_code"), "daftar import " + testUserAddr, "-replace=" + testUserAddr} {
		if !strings.Contains(res.Message, want) {
			t.Errorf("message %q lacks %q", res.Message, want)
		}
	}
}
