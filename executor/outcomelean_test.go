package executor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// batchOutcomes is a batch of verifications (more than the planner keeps
// decoded) and a second verification per row that reads the first's
// e-mail (a resource that depends on another: the walk checks its
// configurations itself), and outputs that read every outcome.
const batchOutcomes = `
provider "proofylink" {
  endpoint        = "SANDBOX/proofylink"
  token           = "sandbox-proofylink-token"
  rate_limit      = 0
  duplicate_check = false
}

locals {
  people = { for i in range(120) : format("p%03d", i) => format("327301010190%04d", i + 1) }
}

resource "proofylink_verification" "p" {
  for_each             = local.people
  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value
  full_name            = "Nama ${each.key}"
  email                = "${each.key}@example.id"
  phone_number         = "6281234567801"
  ktp_image            = "ktp.jpg"
  form_consent         = "consent.pdf"
}

resource "proofylink_verification" "q" {
  for_each             = local.people
  consent              = "upload"
  verification_type_id = 2
  id_number            = each.value
  full_name            = "Nama ${each.key}"
  email                = proofylink_verification.p[each.key].email
  phone_number         = "6281234567802"
  ktp_image            = "ktp.jpg"
  form_consent         = "consent.pdf"
}

output "p_statuses" {
  value = { for k, v in proofylink_verification.p : k => v.status }
}

output "q_scores" {
  value = { for k, v in proofylink_verification.q : k => v.credibility_score }
}
`

// outcomeBatch is a directory of batchOutcomes against a sandbox whose
// clock the test moves, with its plan, apply and state.
type outcomeBatch struct {
	clock *outcomeClock
	run   func(t *testing.T) (*planner.Result, *state.State, *countingProofylink)
	apply func(t *testing.T, res *planner.Result, st *state.State, p providers.Provider) *executor.Report
	// records loads the state's records.
	records func(t *testing.T) map[string]*state.Resource
	backend *state.Local
	digest  *secrets.Digester
}

func newOutcomeBatch(t *testing.T, n int) *outcomeBatch {
	clock := &outcomeClock{t: time.Now().UTC()}
	sb, err := sandbox.New(sandbox.Options{VerifyDelay: time.Hour, Now: clock.Now, Tokens: 4 * n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	d := newProofylinkDir(t, sb, batchOutcomes, map[string]string{
		"ktp.jpg": "\xff\xd8\xff\xe0 a KTP\xff\xd9", "consent.pdf": "%PDF-1.4 consent"})
	run := func(t *testing.T) (*planner.Result, *state.State, *countingProofylink) {
		t.Helper()
		return d.plan(t, plans.Options{Refresh: true}, true)
	}
	apply := func(t *testing.T, res *planner.Result, st *state.State, p providers.Provider) *executor.Report {
		t.Helper()
		return d.apply(t, res, st, p, true)
	}
	records := func(t *testing.T) map[string]*state.Resource {
		t.Helper()
		st, err := d.backend.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.Resources
	}
	return &outcomeBatch{clock: clock, run: run, apply: apply, records: records, backend: d.backend, digest: d.digester}
}

// outcomeAttrs are a record's attributes, decoded from JSON.
func outcomeAttrs(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBatchOutcomesKeptEncoded: the apply that records a batch's
// outcomes keeps each refreshed verification's value encoded in its
// change from its plan to its apply (plans.Change.DeferValue), and what
// it records, what the outputs read and what a shared apply publishes
// are exactly what the refresh read: each record is the refreshed value
// (the outcome, and what the create recorded) with the configuration
// digest its create recorded; the outputs read every outcome at plan
// time and after apply; PlanBatch's records are the refreshed ones; and
// the next plan fingerprints every verification. It fails if the value
// kept encoded is lost or altered, or if the released configuration's
// digest is.
func TestBatchOutcomesKeptEncoded(t *testing.T) {
	const n = 120
	b0 := newOutcomeBatch(t, n)
	clock, run, apply, records, backend, digester := b0.clock, b0.run, b0.apply, b0.records, b0.backend, b0.digest
	attrs := outcomeAttrs
	res, st, p := run(t)
	if rep := apply(t, res, st, p); rep.Added != 2*n {
		t.Fatalf("apply added %d, want %d", rep.Added, 2*n)
	}
	created := records(t)
	if len(created) != 2*n {
		t.Fatalf("%d records after the creates, want %d", len(created), 2*n)
	}

	// Past the sandbox's delay: the refresh reads every outcome.
	clock.advance(2 * time.Hour)
	res, st, p = run(t)
	if len(res.Plan.Changes) != 2*n {
		t.Fatalf("%d changes, want %d", len(res.Plan.Changes), 2*n)
	}
	refreshed := map[string]map[string]any{}
	for _, c := range res.Plan.Changes {
		addr := c.Addr.String()
		if c.Action != plans.NoOp || !c.Persist {
			t.Fatalf("%s planned %s (persist %v), want a no-op that writes its record", addr, c.Action, c.Persist)
		}
		if !c.Deferred() || c.Before != cty.NilVal || c.After != cty.NilVal {
			t.Errorf("%s holds its refreshed value decoded, want it kept encoded until apply", addr)
		}
		before, after, err := c.Values()
		if err != nil {
			t.Fatal(err)
		}
		if !before.RawEquals(after) {
			t.Errorf("%s: before %#v, after %#v, want the refreshed value in both", addr, before, after)
		}
		raw, err := ctyjson.Marshal(after, after.Type())
		if err != nil {
			t.Fatal(err)
		}
		refreshed[addr] = attrs(t, raw)
		if refreshed[addr]["status"] != "completed" || refreshed[addr]["credibility_score"] == nil {
			t.Errorf("%s refreshed as %v", addr, refreshed[addr])
		}
	}
	checkOutputs := func(t *testing.T, when string, outs []*plans.Output) {
		t.Helper()
		if len(outs) != 2 {
			t.Fatalf("%s: %d outputs, want 2", when, len(outs))
		}
		for _, o := range outs {
			if !o.Value.IsWhollyKnown() || o.Value.LengthInt() != n {
				t.Fatalf("%s: output %s = %#v, want %d known values", when, o.Name, o.Value, n)
			}
			for k, v := range o.Value.AsValueMap() {
				switch o.Name {
				case "p_statuses":
					if v.AsString() != "completed" {
						t.Errorf("%s: %s[%s] = %#v, want completed", when, o.Name, k, v)
					}
				case "q_scores":
					want := refreshed[fmt.Sprintf("proofylink_verification.q[%q]", k)]["credibility_score"]
					if f, _ := v.AsBigFloat().Float64(); f != want {
						t.Errorf("%s: %s[%s] = %v, want %v", when, o.Name, k, f, want)
					}
				}
			}
		}
	}
	checkOutputs(t, "planned", res.Plan.Outputs)

	// What a shared apply's first worker publishes: the refreshed
	// records, which the others plan from; no step, as none calls the API.
	b, err := executor.PlanBatch(res.Plan, res.Evaluator(), st)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Steps) != 0 || len(b.Records) != 2*n {
		t.Fatalf("batch: %d steps, %d records; want 0 and %d", len(b.Steps), len(b.Records), 2*n)
	}
	for addr, r := range b.Records {
		if r.Planned == nil || !reflect.DeepEqual(attrs(t, backendtest.AttrsOf(r.Planned)), refreshed[addr]) {
			t.Errorf("batch record of %s: %+v, want the refreshed value", addr, r.Planned)
		}
	}

	// An outcome apply interrupted after some of its records: those are
	// written, and the next plan reads the others again and records them.
	const first = 50
	res, st, p = run(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := executor.Apply(ctx, res.Plan, res.Evaluator(), executor.Options{Backend: backend, State: st, Parallelism: 1,
		RunID: "run", Providers: map[string]providers.Provider{"proofylink": p}, Digester: digester, ReleaseChanges: true,
		Hooks: &cancelAfter{n: first, cancel: cancel}})
	if !rep.Interrupted || rep.NotStarted != 2*n-first {
		t.Fatalf("interrupted %v, %d not started; want %d: %s", rep.Interrupted, rep.NotStarted, 2*n-first, rep.Diagnostics.Error())
	}
	if err := backend.Compact(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	written := 0
	for addr, rec := range records(t) {
		if reflect.DeepEqual(attrs(t, backendtest.AttrsOf(rec)), refreshed[addr]) {
			written++
		} else if !reflect.DeepEqual(attrs(t, backendtest.AttrsOf(rec)), attrs(t, backendtest.AttrsOf(created[addr]))) {
			t.Errorf("%s after the interrupted apply: %s, want its create's record or its outcome", addr, backendtest.AttrsOf(rec))
		}
	}
	if written != first {
		t.Errorf("%d outcomes written by the interrupted apply, want %d", written, first)
	}

	res, st, p = run(t)
	eval := res.Evaluator()
	persist := 0
	for _, c := range res.Plan.Changes {
		if c.Persist {
			persist++
		}
	}
	if persist != 2*n-first {
		t.Errorf("after the interrupted apply, %d outcomes to record, want %d", persist, 2*n-first)
	}
	apply(t, res, st, p)
	checkOutputs(t, "applied", mustOutputs(t, eval))
	for addr, rec := range records(t) {
		got := attrs(t, backendtest.AttrsOf(rec))
		if !reflect.DeepEqual(got, refreshed[addr]) {
			t.Errorf("%s recorded %v, want the refreshed %v", addr, got, refreshed[addr])
		}
		was := attrs(t, backendtest.AttrsOf(created[addr]))
		for _, name := range []string{"reference_code", "created_at", "id_number", "id_number_digest", "ktp_image_sha256", "form_consent_sha256", "email", "full_name"} {
			if got[name] != was[name] {
				t.Errorf("%s: %s %v after the outcome, %v before", addr, name, got[name], was[name])
			}
		}
		if rec.ConfigDigest() == "" || rec.ConfigDigest() != created[addr].ConfigDigest() {
			t.Errorf("%s: configuration digest %q, want %q (the configuration's, as its create recorded)", addr, rec.ConfigDigest(), created[addr].ConfigDigest())
		}
		if !rec.Settled {
			t.Errorf("%s not recorded settled", addr)
		}
	}

	res, _, p = run(t)
	for _, c := range res.Plan.Changes {
		if c.Action != plans.NoOp || c.Persist {
			t.Errorf("after the outcomes: %s planned %s (persist %v), want a no-op", c.Addr, c.Action, c.Persist)
		}
	}
	if validated, planned := p.calls(); len(validated) > 0 || len(planned) > 0 {
		t.Errorf("after the outcomes, validated %d and planned %d, want neither (fingerprinted)", len(validated), len(planned))
	}
}

// cancelAfter cancels the apply once n changes have finished.
type cancelAfter struct {
	n      int
	cancel func()
	mu     sync.Mutex
	done   int
}

func (h *cancelAfter) ChangeStarted(*plans.Change) {}

func (h *cancelAfter) ChangeSkipped(*plans.Change, string) {}

func (h *cancelAfter) ChangeFinished(_ *plans.Change, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done++; h.done == h.n {
		h.cancel()
	}
}

func mustOutputs(t *testing.T, eval *planner.Evaluation) []*plans.Output {
	t.Helper()
	outs, diags := eval.Outputs()
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return outs
}

// TestOutcomeApplyLetsGoOfReplacedRecords: once apply has recorded the
// outcomes of a batch's verifications, the records they replaced are held
// by nothing, though the plan, its steps (outputs refer to both
// resources) and the Evaluation stay: neither the planner's index of the
// state nor a step keeps the record its plan started from.
func TestOutcomeApplyLetsGoOfReplacedRecords(t *testing.T) {
	const n = 120
	b := newOutcomeBatch(t, n)
	res, st, p := b.run(t)
	b.apply(t, res, st, p)
	b.clock.advance(2 * time.Hour)
	res, st, p = b.run(t)
	eval := res.Evaluator()
	var old []weak.Pointer[state.Resource]
	for _, c := range res.Plan.Changes {
		if !c.Persist {
			t.Fatalf("%s planned %s, want a no-op that records its outcome", c.Addr, c.Action)
		}
		old = append(old, weak.Make(st.Resources[c.Addr.String()]))
	}
	rep := executor.Apply(context.Background(), res.Plan, eval, executor.Options{Backend: b.backend, State: st,
		RunID: "run", Providers: map[string]providers.Provider{"proofylink": p}, Digester: b.digest, ReleaseChanges: true})
	if rep.Diagnostics.HasErrors() {
		t.Fatal(rep.Diagnostics.Error())
	}
	runtime.GC()
	kept := 0
	for _, w := range old {
		if w.Value() != nil {
			kept++
		}
	}
	if kept > 0 {
		t.Errorf("%d of the %d records the outcomes replaced are still held after apply", kept, len(old))
	}
	for addr, rec := range st.Resources {
		if a := outcomeAttrs(t, backendtest.AttrsOf(rec)); a["status"] != "completed" {
			t.Errorf("%s recorded %v", addr, a)
		}
	}
	if outs := mustOutputs(t, eval); len(outs) != 2 {
		t.Errorf("outputs %v", outs)
	}
	runtime.KeepAlive(res)
}
