package planner_test

import (
	"context"
	"encoding/json"
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"strconv"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

const providerBlock = `
provider "fake" {
  endpoint = "sandbox"
}
`

// run plans src (with the fake provider block prepended) against st.
func run(t *testing.T, src string, st *state.State, opts plans.Options, fake *enginetest.Provider) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	if fake == nil {
		fake = enginetest.NewProvider()
	}
	return runState(t, src, st, opts, fake)
}

// runWith plans src with prov as provider "fake", against an empty state.
func runWith(t *testing.T, src string, prov providers.Provider) (*planner.Result, hcl.Diagnostics) {
	return runState(t, src, nil, plans.Options{}, prov)
}

func runState(t *testing.T, src string, st *state.State, opts plans.Options, fake providers.Provider) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	req := &planner.Request{
		Config:    cfg,
		Vars:      vars,
		State:     st,
		Providers: map[string]providers.Provider{"fake": fake},
		Options:   opts,
		Digester:  enginetest.Digester{},
	}
	return planner.Plan(context.Background(), req)
}

func mustPlan(t *testing.T, src string, st *state.State, opts plans.Options, fake *enginetest.Provider) *planner.Result {
	t.Helper()
	res, diags := run(t, src, st, opts, fake)
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// actions spells the plan's changes as "ADDR ACTION" lines, no-ops
// included.
func actions(p *plans.Plan) string {
	var lines []string
	for _, c := range p.Changes {
		lines = append(lines, c.Addr.String()+" "+c.Action.String())
	}
	return strings.Join(lines, "\n")
}

// account is the state JSON of a fake_account.
func account(name, extra string) string {
	attrs := `"name":"` + name + `","email":null,"tag":null,"secret":null,"code":null,"id":"id-` + name + `","profile":null`
	if extra != "" {
		attrs = strings.Replace(attrs, extra[:strings.Index(extra, ":")]+":null", extra, 1)
	}
	return "{" + attrs + "}"
}

// stateOf builds a state from address → attributes JSON.
func stateOf(t *testing.T, records map[string]string) *state.State {
	t.Helper()
	st := state.New()
	for addr, attrs := range records {
		inst, err := addrs.ParseInstance(addr)
		if err != nil {
			t.Fatal(err)
		}
		rec := (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: inst.Resource.Type, Name: inst.Resource.Name, Provider: "fake"})
		switch k := inst.Key.(type) {
		case addrs.IntKey:
			rec.SetIndexKey(json.RawMessage(strconv.Itoa(int(k))))
		case addrs.StringKey:
			key, _ := json.Marshal(string(k))
			rec.SetIndexKey(key)
		}
		if attrs != "" {
			rec.SetAttributes(json.RawMessage(attrs))
		}
		st.Resources[addr] = rec
	}
	return st
}

func change(t *testing.T, p *plans.Plan, addr string) *plans.Change {
	t.Helper()
	for _, c := range p.Changes {
		if c.Addr.String() == addr {
			return c
		}
	}
	t.Fatalf("no change for %s in\n%s", addr, actions(p))
	return nil
}

// fakePlanned is the planned state of a new fake_account.
func fakePlanned(t *testing.T, name string) cty.Value {
	t.Helper()
	v, err := ctyjson.Unmarshal([]byte(strings.Replace(account(name, ""), `"id":"id-`+name+`"`, `"id":null`, 1)), enginetest.NewProvider().Schema().Resources["fake_account"].ImpliedType())
	if err != nil {
		t.Fatal(err)
	}
	return v
}
