package planner_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// countingProvider counts ValidateResource calls per address and warns
// about every name starting with "w".
type countingProvider struct {
	*enginetest.Provider
	mu           sync.Mutex
	validated    map[string]int
	configsCalls int
}

func (p *countingProvider) CheckConfigs() providers.ConfigsCheck {
	p.mu.Lock()
	p.configsCalls++
	p.mu.Unlock()
	return p.Provider.CheckConfigs()
}

func (p *countingProvider) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	p.mu.Lock()
	p.validated[req.Addr]++
	p.mu.Unlock()
	diags := p.Provider.ValidateResource(req)
	if name := req.Config.GetAttr("name"); name.IsKnown() && !name.IsNull() && name.AsString()[0] == 'w' {
		diags = diags.Warnf(cty.GetAttrPath("name"), "Name starts with w", "%s is warned about.", req.Addr)
	}
	return diags
}

// TestPlanEvaluatesStaticInstancesOnce: the instances of a resource that
// refers to no other resource are evaluated and validated by the pre-pass
// only, and their warnings still come out once each; a resource that
// refers to another is evaluated again by the walk, with the real values.
func TestPlanEvaluatesStaticInstancesOnce(t *testing.T) {
	fake := &countingProvider{Provider: enginetest.NewProvider(), validated: map[string]int{}}
	cfg := enginetest.LoadConfig(t, providerBlock+`
locals {
  names = toset(["ani", "wati"])
}
resource "fake_account" "hire" {
  for_each = local.names
  name     = each.key
}
resource "fake_account" "buddy" {
  for_each = local.names
  name     = "w-${each.key}"
  tag      = fake_account.hire[each.key].id
}
`)
	vars, _ := cfg.ResolveVariables(nil, nil)
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, Providers: map[string]providers.Provider{"fake": fake}, Options: plans.Options{Refresh: true},
	})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	want := map[string]int{
		`fake_account.hire["ani"]`: 1, `fake_account.hire["wati"]`: 1,
		`fake_account.buddy["ani"]`: 2, `fake_account.buddy["wati"]`: 2,
	}
	if d := cmp.Diff(want, fake.validated); d != "" {
		t.Errorf("ValidateResource calls (-want +got):\n%s", d)
	}
	warned := map[string]int{}
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			warned[d.Detail]++
		}
	}
	wantWarned := map[string]int{
		`fake_account.hire["wati"] is warned about. (in fake_account.hire["wati"])`:   1,
		`fake_account.buddy["ani"] is warned about. (in fake_account.buddy["ani"])`:   1,
		`fake_account.buddy["wati"] is warned about. (in fake_account.buddy["wati"])`: 1,
	}
	if d := cmp.Diff(wantWarned, warned); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	if got := actions(res.Plan); got != "fake_account.buddy[\"ani\"] create\nfake_account.buddy[\"wati\"] create\nfake_account.hire[\"ani\"] create\nfake_account.hire[\"wati\"] create" {
		t.Errorf("actions:\n%s", got)
	}
}

// TestPlanValidateConfigsOnce: the provider's ConfigsCheck is made once when every
// configuration of the provider came from the pre-pass, and again when
// the walk evaluated some with values the pre-pass did not have.
func TestPlanValidateConfigsOnce(t *testing.T) {
	tests := map[string]struct {
		src   string
		calls int
	}{
		"static batch": {`
resource "fake_account" "hire" {
  for_each = toset(["ani", "budi"])
  name     = each.key
}`, 1},
		"a resource refers to another": {`
resource "fake_account" "hire" {
  for_each = toset(["ani", "budi"])
  name     = each.key
}
resource "fake_account" "lead" {
  name = "lead"
  tag  = fake_account.hire["ani"].id
}`, 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fake := &countingProvider{Provider: enginetest.NewProvider(), validated: map[string]int{}}
			cfg := enginetest.LoadConfig(t, providerBlock+tc.src)
			vars, _ := cfg.ResolveVariables(nil, nil)
			_, diags := planner.Plan(context.Background(), &planner.Request{
				Config: cfg, Vars: vars, Providers: map[string]providers.Provider{"fake": fake},
			})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if fake.configsCalls != tc.calls {
				t.Errorf("CheckConfigs called %d times, want %d", fake.configsCalls, tc.calls)
			}
		})
	}
}

// TestFinalReusesASettledPlan: at apply, an instance of a resource that
// depends on nothing is neither validated nor planned again; one that
// depends on another is evaluated again with the values apply produced.
func TestFinalReusesASettledPlan(t *testing.T) {
	fake := &countingProvider{Provider: enginetest.NewProvider(), validated: map[string]int{}}
	cfg := enginetest.LoadConfig(t, providerBlock+`
resource "fake_account" "hire" {
  for_each = toset(["ani", "budi"])
  name     = each.key
}
resource "fake_account" "buddy" {
  name = "buddy"
  tag  = fake_account.hire["ani"].id
}
`)
	vars, _ := cfg.ResolveVariables(nil, nil)
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, Providers: map[string]providers.Provider{"fake": fake},
	})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	planned := len(fake.CallsTo("PlanResource"))
	res.StartApply()
	for _, s := range res.Steps() {
		config, after, diags := res.Final(context.Background(), s)
		switch s.Addr() {
		case "fake_account.buddy":
			if !diags.HasErrors() || !strings.Contains(diags.Error(), "known only after apply") {
				t.Errorf("buddy: the configuration was not evaluated again: %v", diags)
			}
		default:
			if diags.HasErrors() || !config.RawEquals(s.Config) || !after.RawEquals(s.Change.After) {
				t.Errorf("%s: Final gave %#v, %#v, %v", s.Addr(), config, after, diags)
			}
		}
	}
	if n := len(fake.CallsTo("PlanResource")); n != planned {
		t.Errorf("PlanResource called %d more times at apply", n-planned)
	}
	if fake.validated[`fake_account.hire["ani"]`] != 1 {
		t.Errorf("ValidateResource calls %v", fake.validated)
	}
}
