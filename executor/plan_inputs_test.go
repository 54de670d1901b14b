package executor_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/proofylink"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/daftar-dev/daftar/state"
)

// countingProofylink is the real Proofylink provider (its optional
// interfaces promoted) that logs the addresses it validates and plans.
type countingProofylink struct {
	*proofylink.Provider
	mu                 sync.Mutex
	validated, planned []string
}

func (p *countingProofylink) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	p.mu.Lock()
	p.validated = append(p.validated, req.Addr)
	p.mu.Unlock()
	return p.Provider.ValidateResource(req)
}

func (p *countingProofylink) PlanResource(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	p.mu.Lock()
	p.planned = append(p.planned, req.Addr)
	p.mu.Unlock()
	return p.Provider.PlanResource(ctx, req)
}

func (p *countingProofylink) calls() (validated, planned []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	slices.Sort(p.validated)
	slices.Sort(p.planned)
	return p.validated, p.planned
}

const verificationsWithFiles = `
provider "proofylink" {
  endpoint = "SANDBOX/proofylink"
  token    = "sandbox-proofylink-token"
}

locals {
  people = {
    ani  = { nik = "3171015504960001", name = "Ani Lestari" }
    budi = { nik = "3171010101900002", name = "Budi Santoso" }
  }
}

resource "proofylink_verification" "p" {
  for_each             = local.people
  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = each.value.name
  email                = "${each.key}@example.id"
  phone_number         = "6281234567801"
  ktp_image            = "ktp/${each.key}.jpg"
  form_consent         = "consent.pdf"
}
`

// TestUnchangedVerificationsFingerprintedBeforeConfigure: the real
// Proofylink provider, told the configuration directory before Configure
// (providers.BaseDirSetter), lets the pre-pass of a plan fingerprint each
// verification that reads a KTP image and a consent form: an unchanged
// one is neither validated nor planned, and a KTP image or consent form
// changed since apply still plans the verifications that read it in full,
// relative to the configuration directory.
func TestUnchangedVerificationsFingerprintedBeforeConfigure(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{VerifyDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	d := newProofylinkDir(t, sb, verificationsWithFiles, map[string]string{
		"ktp/ani.jpg":  "\xff\xd8\xff\xe0 Ani's KTP\xff\xd9",
		"ktp/budi.jpg": "\xff\xd8\xff\xe0 Budi's KTP\xff\xd9",
		"consent.pdf":  "%PDF-1.4 consent",
	})
	backend, digester, dir := d.backend, d.digester, d.dir

	// plan plans as a new run of daftar does, with a new provider.
	plan := func(t *testing.T) (*planner.Result, *state.State, *countingProofylink) {
		t.Helper()
		return d.plan(t, plans.Options{}, false)
	}
	actions := func(res *planner.Result) map[string]plans.Action {
		out := map[string]plans.Action{}
		for _, c := range res.Plan.Changes {
			out[c.Addr.String()] = c.Action
		}
		return out
	}
	const ani, budi = `proofylink_verification.p["ani"]`, `proofylink_verification.p["budi"]`

	res, st, p := plan(t)
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: backend, State: st,
		RunID: "run-1", Providers: map[string]providers.Provider{"proofylink": p}, Digester: digester})
	if rep.Diagnostics.HasErrors() || rep.Added != 2 {
		t.Fatalf("apply added %d: %s", rep.Added, rep.Diagnostics.Error())
	}
	if err := backend.Compact(context.Background(), st); err != nil {
		t.Fatal(err)
	}

	res, _, p = plan(t)
	for addr, a := range actions(res) {
		if a != plans.NoOp {
			t.Errorf("unchanged: %s planned %s, want no-op", addr, a)
		}
	}
	if validated, planned := p.calls(); len(validated) > 0 || len(planned) > 0 {
		t.Errorf("unchanged verifications validated %v and planned %v, want neither (fingerprinted by the pre-pass)", validated, planned)
	}

	// Ani's KTP image touched: her verification is planned in full (the
	// same content plans no change), Budi's is not.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "ktp", "ani.jpg"), later, later); err != nil {
		t.Fatal(err)
	}
	res, _, p = plan(t)
	if validated, planned := p.calls(); !slices.Equal(validated, []string{ani}) || !slices.Equal(planned, []string{ani}) {
		t.Errorf("after Ani's KTP image was touched, validated %v and planned %v, want %s only", validated, planned, ani)
	}
	if got := actions(res); got[ani] != plans.NoOp || got[budi] != plans.NoOp {
		t.Errorf("after Ani's KTP image was touched: %v, want no-ops", got)
	}

	// Budi's KTP image with another content: his verification must be
	// replaced.
	writeTestFile(t, filepath.Join(dir, "ktp", "budi.jpg"), []byte("\xff\xd8\xff\xe0 Budi's other KTP photo\xff\xd9"))
	res, _, p = plan(t)
	if _, planned := p.calls(); !slices.Contains(planned, budi) {
		t.Errorf("after Budi's KTP image changed, planned %v, want %s", planned, budi)
	}
	if got := actions(res); got[budi] != plans.Replace {
		t.Errorf("after Budi's KTP image changed, %s planned %s, want a replace", budi, got[budi])
	}

	// Another consent form, shared by both: both are planned in full.
	writeTestFile(t, filepath.Join(dir, "consent.pdf"), []byte("%PDF-1.4 another consent form"))
	res, _, p = plan(t)
	if _, planned := p.calls(); !slices.Contains(planned, ani) || !slices.Contains(planned, budi) {
		t.Errorf("after the consent form changed, planned %v, want both verifications", planned)
	}
	if got := actions(res); got[ani] != plans.Replace || got[budi] != plans.Replace {
		t.Errorf("after the consent form changed: %v, want both replaced", got)
	}
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
