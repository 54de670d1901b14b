package executor_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// outcomeClock is the sandbox's clock, moved by the test.
type outcomeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *outcomeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *outcomeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestOutcomesRecordedAsPlanned: the apply after the one that created
// verifications records their outcome (no-ops the refresh found changed,
// written with no request, whose configurations apply lets go of): each
// record holds the outcome the refresh read and, unchanged, what the
// create recorded (reference code, digests) and the configuration digest
// of its configuration, so that the next plan fingerprints both and
// neither validates nor plans them.
func TestOutcomesRecordedAsPlanned(t *testing.T) {
	clock := &outcomeClock{t: time.Now().UTC()}
	sb, err := sandbox.New(sandbox.Options{VerifyDelay: time.Hour, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	d := newProofylinkDir(t, sb, verificationsWithFiles, map[string]string{
		"ktp/ani.jpg":  "\xff\xd8\xff\xe0 Ani's KTP\xff\xd9",
		"ktp/budi.jpg": "\xff\xd8\xff\xe0 Budi's KTP\xff\xd9",
		"consent.pdf":  "%PDF-1.4 consent",
	})
	backend := d.backend
	run := func(t *testing.T) (*planner.Result, *state.State, *countingProofylink) {
		t.Helper()
		return d.plan(t, plans.Options{Refresh: true}, false)
	}
	apply := func(t *testing.T, res *planner.Result, st *state.State, p providers.Provider) *executor.Report {
		t.Helper()
		return d.apply(t, res, st, p, false)
	}
	const ani, budi = `proofylink_verification.p["ani"]`, `proofylink_verification.p["budi"]`
	records := func(t *testing.T) map[string]*state.Resource {
		t.Helper()
		st, err := backend.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return map[string]*state.Resource{ani: st.Resources[ani], budi: st.Resources[budi]}
	}
	attrs := func(t *testing.T, rec *state.Resource) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(backendtest.AttrsOf(rec), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	res, st, p := run(t)
	if rep := apply(t, res, st, p); rep.Added != 2 {
		t.Fatalf("apply added %d, want 2", rep.Added)
	}
	created := records(t)
	for addr, rec := range created {
		if rec == nil || rec.ConfigDigest() == "" || attrs(t, rec)["status"] == "completed" {
			t.Fatalf("%s after its create: %+v", addr, rec)
		}
	}

	// Past the sandbox's delay: the refresh reads both outcomes.
	clock.advance(2 * time.Hour)
	res, st, p = run(t)
	for _, c := range res.Plan.Changes {
		if c.Action != plans.NoOp || !c.Persist {
			t.Errorf("%s planned %s (persist %v), want a no-op that writes its record", c.Addr, c.Action, c.Persist)
		}
	}
	apply(t, res, st, p)
	for addr, rec := range records(t) {
		before, after := attrs(t, created[addr]), attrs(t, rec)
		if after["status"] != "completed" || after["credibility_score"] == nil || after["updated_at"] == nil {
			t.Errorf("%s: status %v, score %v, updated %v, want its outcome", addr, after["status"], after["credibility_score"], after["updated_at"])
		}
		for _, name := range []string{"reference_code", "created_at", "id_number", "id_number_digest", "ktp_image_sha256", "form_consent_sha256", "email", "full_name"} {
			if before[name] != after[name] {
				t.Errorf("%s: %s %v after the outcome, %v before", addr, name, after[name], before[name])
			}
		}
		if rec.ConfigDigest() != created[addr].ConfigDigest() {
			t.Errorf("%s: configuration digest %q, want %q (the configuration's, as its create recorded)", addr, rec.ConfigDigest(), created[addr].ConfigDigest())
		}
	}

	res, _, p = run(t)
	for _, c := range res.Plan.Changes {
		if c.Action != plans.NoOp || c.Persist {
			t.Errorf("after the outcomes: %s planned %s (persist %v), want a no-op", c.Addr, c.Action, c.Persist)
		}
	}
	if validated, planned := p.calls(); len(validated) > 0 || len(planned) > 0 {
		t.Errorf("after the outcomes, validated %v and planned %v, want neither (fingerprinted)", validated, planned)
	}
}
