package enginetest

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

var (
	_ providers.Provider = (*Provider)(nil)
	_ providers.Spender  = (*Provider)(nil)
)

// Provider is a fake provider. Its zero value is not usable: use
// NewProvider. Its exported fields are read by the fake's methods and may
// be set by a test before the run; the hooks are called concurrently.
type Provider struct {
	// Delay is how long ApplyResource and ReadResource take.
	Delay time.Duration
	// Remote holds what ReadResource answers per instance address: a value,
	// or a null value for a record gone remotely. Absent: the prior.
	Remote map[string]cty.Value
	// Unreadable names, per instance address, the detail of the error
	// ReadResource answers for it (a record the API no longer holds and
	// answers 404 for, which is not a record gone).
	Unreadable map[string]string
	// BalanceLeft is what Balance answers; BalanceFails makes it fail.
	BalanceLeft  int64
	BalanceFails bool
	// OnApply, when set, answers ApplyResource instead of the default
	// (which fills the unknowns of Planned).
	OnApply func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse
	// Existing names, per instance address, a record PlanResource of a
	// create (not a replace) says the remote already holds.
	Existing map[string]*providers.Existing
	// OnResolve answers ResolveResource; nil answers NotCreated.
	OnResolve func(req providers.ResolveRequest) providers.ResolveResponse
	// Fingerprints makes PlanInputs accept every configuration: its plan
	// reads nothing but the configuration and the prior.
	Fingerprints bool
	// SettledAccounts makes every fake_account settled (providers.Settler):
	// ReadResource answers it from its prior value, unless Full, without
	// recording a call.
	SettledAccounts bool
	// Finishes makes the fake a providers.Finisher: a refreshed value
	// whose id differs from the prior's is found final, its outcome the id
	// up to its first "-" ("completed-1": "completed").
	Finishes bool
	// Name is the provider's name, the prefix of its types (other_account
	// for "other"); "fake" when empty. A configuration with two providers
	// uses two fakes.
	Name string
	// Rechecks makes its check across instances a providers.ConfigsRecheck,
	// each Recheck recorded as a call of that name.
	Rechecks bool

	checks atomic.Int64

	mu          sync.Mutex
	calls       []Call
	configured  []cty.Value
	inFlight    int
	maxInFlight int
}

// ConfigsChecks is how many checks across instances (CheckConfigs) were
// started.
func (p *Provider) ConfigsChecks() int64 { return p.checks.Load() }

// Call is one recorded method call.
type Call struct {
	Method string
	Addr   string
	Op     providers.Operation
}

// NewProvider returns a fake provider with a balance of 1000 tokens.
func NewProvider() *Provider {
	return &Provider{BalanceLeft: 1000, Remote: map[string]cty.Value{}, Existing: map[string]*providers.Existing{}}
}

// Calls returns the calls made so far, in order.
func (p *Provider) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// CallsTo returns the addresses of the calls to method, in order.
func (p *Provider) CallsTo(method string) []string {
	var out []string
	for _, c := range p.Calls() {
		if c.Method == method {
			out = append(out, c.Addr)
		}
	}
	return out
}

// Configured returns the configurations Configure received.
func (p *Provider) Configured() []cty.Value {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]cty.Value(nil), p.configured...)
}

// MaxInFlight is the highest number of concurrent ApplyResource and
// ReadResource calls seen.
func (p *Provider) MaxInFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxInFlight
}

func (p *Provider) record(c Call) {
	p.mu.Lock()
	p.calls = append(p.calls, c)
	p.mu.Unlock()
}

// enter counts a concurrent call; the returned func ends it.
func (p *Provider) enter() func() {
	p.mu.Lock()
	p.inFlight++
	p.maxInFlight = max(p.maxInFlight, p.inFlight)
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		p.inFlight--
		p.mu.Unlock()
	}
}

func (p *Provider) sleep(ctx context.Context) {
	if p.Delay <= 0 {
		return
	}
	select {
	case <-time.After(p.Delay):
	case <-ctx.Done():
	}
}

// Schema implements providers.Provider.
func (p *Provider) Schema() providers.Schema {
	s := fakeSchema()
	if p.Name == "" || p.Name == "fake" {
		return s
	}
	rename := func(m map[string]*providers.Block) map[string]*providers.Block {
		out := map[string]*providers.Block{}
		for typ, b := range m {
			out[p.Name+strings.TrimPrefix(typ, "fake")] = b
		}
		return out
	}
	s.Resources, s.DataSources = rename(s.Resources), rename(s.DataSources)
	return s
}

// fakeType is the fake's own name of typ, one of the types Schema gives.
func (p *Provider) fakeType(typ string) string {
	if p.Name == "" || p.Name == "fake" {
		return typ
	}
	return "fake" + strings.TrimPrefix(typ, p.Name)
}

// Configure implements providers.Provider.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	p.mu.Lock()
	p.configured = append(p.configured, req.Config)
	p.mu.Unlock()
	p.record(Call{Method: "Configure"})
	return nil
}

// Balance implements providers.Spender.
func (p *Provider) Balance(context.Context) (providers.Balance, providers.Diagnostics) {
	p.record(Call{Method: "Balance"})
	if p.BalanceFails {
		return providers.Balance{}, providers.Diagnostics{}.Errorf(nil, "Cannot read the balance", "The fake API answered 500.")
	}
	return providers.Balance{Unit: "fake tokens", Left: p.BalanceLeft}, nil
}

// ValidateResource implements providers.Provider: a name must not contain
// "!", a profile's city must not be "nowhere".
func (p *Provider) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	var diags providers.Diagnostics
	if name := attrString(req.Config, "name"); strings.Contains(name, "!") {
		diags = diags.Errorf(cty.GetAttrPath("name"), "Invalid name", "A name may not contain %q.", "!")
	}
	if req.Config.IsKnown() && !req.Config.IsNull() && req.Config.Type().HasAttribute("profile") {
		if prof := req.Config.GetAttr("profile"); prof.IsKnown() && !prof.IsNull() && attrString(prof, "city") == "nowhere" {
			diags = diags.Errorf(cty.GetAttrPath("profile").GetAttr("city"), "Invalid city", "There is no city named nowhere.")
		}
	}
	return diags
}

// CheckConfigs implements providers.Provider: two accounts may not share a
// name.
func (p *Provider) CheckConfigs() providers.ConfigsCheck {
	p.checks.Add(1)
	if p.Rechecks {
		return &nameRecheck{nameCheck{p: p}}
	}
	return &nameCheck{p: p}
}

type nameCheck struct {
	p     *Provider
	names providers.Repeats[string]
}

// nameRecheck is a nameCheck that can be asked again (Provider.Rechecks).
type nameRecheck struct{ nameCheck }

// Recheck implements providers.ConfigsRecheck.
func (c *nameRecheck) Recheck(drop []int64) providers.ConfigsCheck {
	c.p.record(Call{Method: "Recheck"})
	n := &nameRecheck{nameCheck{p: c.p}}
	n.names.Inherit(&c.names, drop)
	return n
}

func (c *nameCheck) Add(order int64, r providers.ValidateRequest) {
	if name := attrString(r.Config, "name"); c.p.fakeType(r.Type) == "fake_account" && name != "" {
		c.names.Add(order, r.Addr, name, name)
	}
}

// AddAttrs implements providers.AttrsCheck: Add of the attributes.
func (c *nameCheck) AddAttrs(order int64, typ, addr string, a providers.Attrs) {
	v := a.Attr("name")
	if c.p.fakeType(typ) == "fake_account" && v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.AsString() != "" {
		c.names.Add(order, addr, v.AsString(), v.AsString())
	}
}

func (c *nameCheck) Diagnostics() providers.Diagnostics {
	var diags providers.Diagnostics
	c.names.Each(func(addr, first, name, _ string) {
		diags = append(diags, providers.Diagnostic{Severity: providers.Error, Summary: "Duplicate account name",
			Detail: "The name " + name + " is already used by " + first + ".", Path: cty.GetAttrPath("name"), Resource: addr})
	})
	return diags
}

func attrString(obj cty.Value, name string) string {
	if obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return ""
	}
	v := obj.GetAttr(name)
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}

// PlanResourceFields implements providers.PlanFields: PlanResourceAttrs
// with the planned object's attributes of names (cty.NilVal for one it
// lacks); the call is recorded as PlanResourceFields besides
// PlanResource's own.
func (p *Provider) PlanResourceFields(ctx context.Context, req providers.PlanRequest, a providers.Attrs, names []string) (providers.PlanResponse, []cty.Value, bool) {
	if req.Config != cty.NilVal || req.Prior == cty.NilVal || !req.Prior.IsNull() {
		return providers.PlanResponse{}, nil, false
	}
	p.record(Call{Method: "PlanResourceFields", Addr: req.Addr})
	req.Config = a.Object()
	resp := p.PlanResource(ctx, req)
	return resp, FieldsOf(resp.Planned, names), true
}

// FieldsOf is the attributes names of v (cty.NilVal for one it lacks),
// and resp.Planned of a PlanResourceFields answer.
func FieldsOf(v cty.Value, names []string) []cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return nil
	}
	vals := make([]cty.Value, len(names))
	for i, name := range names {
		if v.Type().HasAttribute(name) {
			vals[i] = v.GetAttr(name)
		}
	}
	return vals
}

// PlanInputs implements providers.PlanInputs when Fingerprints is set.
func (p *Provider) PlanInputs(string, cty.Value) ([]byte, bool) {
	return nil, p.Fingerprints
}

// PlanInputsAttrs implements providers.PlanInputsAttrs: PlanInputs.
func (p *Provider) PlanInputsAttrs(string, providers.Attrs) ([]byte, bool) {
	return nil, p.Fingerprints
}

// PlanResourceAttrs implements providers.PlanAttrs: PlanResource of the
// attributes' object, for a create; the call is recorded as
// PlanResourceAttrs besides PlanResource's own.
func (p *Provider) PlanResourceAttrs(ctx context.Context, req providers.PlanRequest, a providers.Attrs) (providers.PlanResponse, bool) {
	if req.Config != cty.NilVal || req.Prior == cty.NilVal || !req.Prior.IsNull() {
		return providers.PlanResponse{}, false
	}
	p.record(Call{Method: "PlanResourceAttrs", Addr: req.Addr})
	req.Config = a.Object()
	return p.PlanResource(ctx, req), true
}
