package executor_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
)

// validationLog records, per ValidateResource, the address and the
// subject validated ("?" when unknown).
type validationLog struct {
	*enginetest.Provider
	mu  sync.Mutex
	log []string
}

func (p *validationLog) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	subject := ""
	if req.Config.Type().IsObjectType() && req.Config.Type().HasAttribute("subject") {
		switch s := req.Config.GetAttr("subject"); {
		case !s.IsKnown():
			subject = "?"
		case !s.IsNull():
			subject = s.AsString()
		}
	}
	p.mu.Lock()
	p.log = append(p.log, req.Addr+" "+subject)
	p.mu.Unlock()
	return p.Provider.ValidateResource(req)
}

// take returns the validations of fake_verification instances since the
// last call, sorted.
func (p *validationLog) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, l := range p.log {
		if strings.HasPrefix(l, "fake_verification.") {
			out = append(out, l)
		}
	}
	p.log = nil
	slices.Sort(out)
	return out
}

// TestDependentsPlannedFromPredictedValues: when every account is unchanged
// since apply and no refresh reads it (-refresh=false, or a settled record),
// Plan's pre-pass evaluates each verification with its account's stored
// values (what the walk would plan it from), and the walk takes that
// evaluation over: an unchanged verification is validated by no one and
// planned by no provider. Whatever could make an account differ in this
// plan (its e-mail changed in the configuration, a refresh that reads it, a
// -replace, an account still to be created) makes the verifications
// planned from the walk's values, as before; and a verification whose own
// configuration changed is planned from its account's real values.
func TestDependentsPlannedFromPredictedValues(t *testing.T) {
	src := func(budi, sep string, more string) string {
		return providerBlock + `
locals {
  people = merge({ ani = "ani@example.id", budi = "` + budi + `" }, ` + more + `)
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = each.value
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = "${fake_account.a[each.key].email}` + sep + `${fake_account.a[each.key].id}"
}
output "registered" {
  value = length(fake_account.a)
}
output "verified" {
  value = length(fake_verification.v)
}
`
	}
	const same, budiMail = "/", "budi@example.id"
	backend := enginetest.NewBackend(nil)
	fake := &validationLog{Provider: enginetest.NewProvider()}
	fake.Fingerprints = true
	provs := map[string]providers.Provider{"fake": fake}
	plan := func(t *testing.T, src string, opts plans.Options) *planner.Result {
		t.Helper()
		fake.take()
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: enginetest.LoadConfig(t, src), State: backend.State(), Options: opts,
			Digester: enginetest.Digester{}, Providers: provs,
		})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		return res
	}
	noRefresh := plans.Options{}
	res := plan(t, src(budiMail, same, "{}"), noRefresh)
	if r := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: backend, State: backend.State(), Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run",
	}); r.Diagnostics.HasErrors() {
		t.Fatalf("apply: %s", r.Diagnostics.Error())
	}
	id := func(name string) string {
		t.Helper()
		rec := backend.Resource(`fake_account.a["` + name + `"]`)
		if rec == nil || rec.ConfigDigest() == "" {
			t.Fatalf("account %s recorded without a digest: %+v", name, rec)
		}
		var attrs struct{ ID string }
		if err := json.Unmarshal(backendtest.AttrsOf(rec), &attrs); err != nil || attrs.ID == "" {
			t.Fatalf("account %s: no id in %s (%v)", name, backendtest.AttrsOf(rec), err)
		}
		return attrs.ID
	}
	aniID, budiID := id("ani"), id("budi")
	change := func(t *testing.T, res *planner.Result, addr string) *plans.Change {
		t.Helper()
		for _, c := range res.Plan.Changes {
			if c.Addr.String() == addr {
				return c
			}
		}
		t.Fatalf("no change of %s", addr)
		return nil
	}
	subject := func(t *testing.T, c *plans.Change) string {
		t.Helper()
		after := c.After
		if c.Deferred() {
			_, after, _ = c.Values()
		}
		s := after.GetAttr("subject")
		if !s.IsKnown() {
			return "?"
		}
		return s.AsString()
	}
	const vAni, vBudi, vCitra = `fake_verification.v["ani"]`, `fake_verification.v["budi"]`, `fake_verification.v["citra"]`
	planned := func(n int) []string {
		out := slices.Clone(fake.CallsTo("PlanResource")[n:])
		slices.Sort(out)
		return slices.Compact(out)
	}
	allNoOps := func(t *testing.T, res *planner.Result) {
		t.Helper()
		for _, c := range res.Plan.Changes {
			if c.Action != plans.NoOp {
				t.Errorf("%s: %s, want no-op", c.Addr, c.Action)
			}
		}
	}

	t.Run("unchanged, no refresh", func(t *testing.T) {
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src(budiMail, same, "{}"), noRefresh)
		allNoOps(t, res)
		if got := fake.take(); len(got) > 0 {
			t.Errorf("verifications validated: %v, want none (unchanged since apply, evaluated with their accounts' values)", got)
		}
		if got := planned(n); len(got) > 0 {
			t.Errorf("PlanResource for %v, want none", got)
		}
		if got, want := subject(t, change(t, res, vAni)), "ani@example.id/"+aniID; got != want {
			t.Errorf("%s subject %q, want %q", vAni, got, want)
		}
	})

	t.Run("unchanged, settled accounts refreshed", func(t *testing.T) {
		fake.mu.Lock()
		fake.SettledAccounts = true
		fake.mu.Unlock()
		defer func() { fake.mu.Lock(); fake.SettledAccounts = false; fake.mu.Unlock() }()
		res := plan(t, src(budiMail, same, "{}"), noRefresh)
		allNoOps(t, res)
		// The records were written before the accounts were settled: the
		// plan with refresh reads them, so its verifications are checked
		// with unknown values first, as before.
		res = plan(t, src(budiMail, same, "{}"), plans.Options{Refresh: true})
		allNoOps(t, res)
		if got, want := fake.take(), []string{vAni + " ?", vBudi + " ?"}; !slices.Equal(got, want) {
			t.Errorf("verifications validated: %v, want %v (the unsettled accounts are read by refresh)", got, want)
		}
	})

	t.Run("upstream e-mail changed", func(t *testing.T) {
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src("budi@example.org", same, "{}"), noRefresh)
		if c := change(t, res, vBudi); c.Action != plans.Replace || subject(t, c) != "budi@example.org/"+budiID {
			t.Errorf("%s: %s with subject %q, want a replace with the new e-mail", vBudi, c.Action, subject(t, c))
		}
		if c := change(t, res, vAni); c.Action != plans.NoOp {
			t.Errorf("%s: %s, want no-op", vAni, c.Action)
		}
		if got, want := planned(n), []string{`fake_account.a["budi"]`, vBudi}; !slices.Equal(got, want) {
			t.Errorf("PlanResource for %v, want %v", got, want)
		}
	})

	t.Run("upstream changed by refresh", func(t *testing.T) {
		drift := cty.ObjectVal(map[string]cty.Value{
			"name": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "tag": cty.NullVal(cty.String),
			"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-ani-moved"),
			"profile": cty.NullVal(fake.Schema().Resources["fake_account"].Blocks["profile"].Block.ImpliedType()),
		})
		fake.mu.Lock()
		fake.Remote = map[string]cty.Value{`fake_account.a["ani"]`: drift}
		fake.mu.Unlock()
		defer func() { fake.mu.Lock(); fake.Remote = nil; fake.mu.Unlock() }()
		res := plan(t, src(budiMail, same, "{}"), plans.Options{Refresh: true})
		if c := change(t, res, vAni); c.Action != plans.Replace || subject(t, c) != "ani@example.id/id-ani-moved" {
			t.Errorf("%s: %s with subject %q, want a replace reading the refreshed id", vAni, c.Action, subject(t, c))
		}
		if c := change(t, res, vBudi); c.Action != plans.NoOp {
			t.Errorf("%s: %s, want no-op", vBudi, c.Action)
		}
	})

	t.Run("replace of the upstream", func(t *testing.T) {
		addr := `fake_account.a["ani"]`
		res := plan(t, src(budiMail, same, "{}"), plans.Options{Replace: []string{addr}})
		if c := change(t, res, addr); c.Action != plans.Replace {
			t.Fatalf("%s: %s, want replace", addr, c.Action)
		}
		if c := change(t, res, vAni); c.Action == plans.NoOp || subject(t, c) != "?" {
			t.Errorf("%s: %s with subject %q, want planned with the new account's id unknown", vAni, c.Action, subject(t, c))
		}
		if c := change(t, res, vBudi); c.Action != plans.NoOp {
			t.Errorf("%s: %s, want no-op", vBudi, c.Action)
		}
	})

	t.Run("upstream still to be created", func(t *testing.T) {
		res := plan(t, src(budiMail, same, `{ citra = "citra@example.id" }`), noRefresh)
		if c := change(t, res, `fake_account.a["citra"]`); c.Action != plans.Create {
			t.Errorf("citra's account: %s, want create", c.Action)
		}
		if c := change(t, res, vCitra); c.Action != plans.Create || subject(t, c) != "?" {
			t.Errorf("%s: %s with subject %q, want a create with the id unknown", vCitra, c.Action, subject(t, c))
		}
		for _, a := range []string{vAni, vBudi} {
			if c := change(t, res, a); c.Action != plans.NoOp {
				t.Errorf("%s: %s, want no-op", a, c.Action)
			}
		}
	})

	t.Run("dependent's own configuration changed", func(t *testing.T) {
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src(budiMail, "|", "{}"), noRefresh)
		for _, v := range []struct{ addr, want string }{{vAni, "ani@example.id|" + aniID}, {vBudi, budiMail + "|" + budiID}} {
			if c := change(t, res, v.addr); c.Action != plans.Replace || subject(t, c) != v.want {
				t.Errorf("%s: %s with subject %q, want a replace with %q", v.addr, c.Action, subject(t, c), v.want)
			}
		}
		// Validated once, with the accounts' values: by the pre-pass.
		if got, want := fake.take(), []string{vAni + " ani@example.id|" + aniID, vBudi + " " + budiMail + "|" + budiID}; !slices.Equal(got, want) {
			t.Errorf("verifications validated: %v, want %v", got, want)
		}
		if got, want := planned(n), []string{vAni, vBudi}; !slices.Equal(got, want) {
			t.Errorf("PlanResource for %v, want %v", got, want)
		}
	})
}

// lateInputs is a provider whose plan inputs of a verification are known
// only once it is configured, as Proofylink's: Plan's pre-pass, which
// configures nothing, cannot tell a verification unchanged since apply.
type lateInputs struct {
	*validationLog
	configured atomic.Bool
}

func (p *lateInputs) Configure(ctx context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	p.configured.Store(true)
	return p.validationLog.Configure(ctx, req)
}

func (p *lateInputs) PlanInputs(typ string, cfg cty.Value) ([]byte, bool) {
	if typ == "fake_verification" && !p.configured.Load() {
		return nil, false
	}
	return p.validationLog.PlanInputs(typ, cfg)
}

// PlanInputsAttrs answers as PlanInputs does: the embedded fake's would
// answer before Configure.
func (p *lateInputs) PlanInputsAttrs(typ string, a providers.Attrs) ([]byte, bool) {
	if typ == "fake_verification" && !p.configured.Load() {
		return nil, false
	}
	return p.validationLog.PlanInputsAttrs(typ, a)
}

// TestDependentsPredictedInputsOnceConfigured: with a provider that gives a
// verification's plan inputs only once configured, the pre-pass validates
// each verification with its account's real values (predicted) and keeps
// its configuration; the walk fingerprints it, finds it unchanged since
// apply and plans a no-op without the provider, or plans a changed one
// from the real values.
func TestDependentsPredictedInputsOnceConfigured(t *testing.T) {
	src := func(sep string) string {
		return providerBlock + `
locals {
  people = { ani = "ani@example.id", budi = "budi@example.id" }
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = each.value
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = "${fake_account.a[each.key].email}` + sep + `${fake_account.a[each.key].id}"
}
output "verified" {
  value = length(fake_verification.v)
}
`
	}
	backend := enginetest.NewBackend(nil)
	fake := &lateInputs{validationLog: &validationLog{Provider: enginetest.NewProvider()}}
	fake.Fingerprints = true
	provs := map[string]providers.Provider{"fake": fake}
	plan := func(t *testing.T, src string) *planner.Result {
		t.Helper()
		fake.take()
		fake.configured.Store(false) // a new run
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: enginetest.LoadConfig(t, src), State: backend.State(), Options: plans.Options{},
			Digester: enginetest.Digester{}, Providers: provs,
		})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		return res
	}
	res := plan(t, src("/"))
	if r := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: backend, State: backend.State(), Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run",
	}); r.Diagnostics.HasErrors() {
		t.Fatalf("apply: %s", r.Diagnostics.Error())
	}
	var ids []string
	for _, n := range []string{"ani", "budi"} {
		var attrs struct{ ID string }
		if rec := backend.Resource(`fake_account.a["` + n + `"]`); rec == nil || json.Unmarshal(backendtest.AttrsOf(rec), &attrs) != nil || attrs.ID == "" {
			t.Fatalf("account %s not recorded with an id: %+v", n, rec)
		}
		ids = append(ids, attrs.ID)
	}

	n := len(fake.CallsTo("PlanResource"))
	res = plan(t, src("/"))
	for _, c := range res.Plan.Changes {
		if c.Action != plans.NoOp {
			t.Errorf("%s: %s, want no-op", c.Addr, c.Action)
		}
	}
	want := []string{`fake_verification.v["ani"] ani@example.id/` + ids[0], `fake_verification.v["budi"] budi@example.id/` + ids[1]}
	if got := fake.take(); !slices.Equal(got, want) {
		t.Errorf("verifications validated %v, want %v (once, with the accounts' values)", got, want)
	}
	if got := fake.CallsTo("PlanResource")[n:]; len(got) > 0 {
		t.Errorf("PlanResource for %v, want none", got)
	}

	res = plan(t, src("|"))
	for i, addr := range []string{`fake_verification.v["ani"]`, `fake_verification.v["budi"]`} {
		wantSubject := []string{"ani@example.id|", "budi@example.id|"}[i] + ids[i]
		for _, c := range res.Plan.Changes {
			if c.Addr.String() == addr && (c.Action != plans.Replace || c.After.GetAttr("subject").AsString() != wantSubject) {
				t.Errorf("%s: %s to %#v, want a replace with subject %q", addr, c.Action, c.After, wantSubject)
			}
		}
	}
	// Applied, the replaced verifications hold the subjects planned, and
	// the next plan finds everything unchanged without the provider.
	if r := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: backend, State: backend.State(), Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run-2",
	}); r.Diagnostics.HasErrors() {
		t.Fatalf("apply: %s", r.Diagnostics.Error())
	}
	for i, n := range []string{"ani", "budi"} {
		var attrs struct{ Subject string }
		rec := backend.Resource(`fake_verification.v["` + n + `"]`)
		if rec == nil || json.Unmarshal(backendtest.AttrsOf(rec), &attrs) != nil || attrs.Subject != n+"@example.id|"+ids[i] || rec.ConfigDigest() == "" {
			t.Errorf("verification %s recorded as %+v, want subject %q with a digest", n, rec, n+"@example.id|"+ids[i])
		}
	}
	n = len(fake.CallsTo("PlanResource"))
	res = plan(t, src("|"))
	for _, c := range res.Plan.Changes {
		if c.Action != plans.NoOp {
			t.Errorf("after the apply, %s: %s, want no-op", c.Addr, c.Action)
		}
	}
	if got := fake.CallsTo("PlanResource")[n:]; len(got) > 0 {
		t.Errorf("after the apply, PlanResource for %v, want none", got)
	}
}
