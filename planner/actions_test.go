package planner_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func TestPlanActions(t *testing.T) {
	tests := map[string]struct {
		src    string
		state  map[string]string
		opts   plans.Options
		remote map[string]cty.Value
		want   string
	}{
		"create": {src: `resource "fake_account" "a" { name = "ani" }`, want: "fake_account.a create"},
		"no-op": {
			src:   `resource "fake_account" "a" { name = "ani" }`,
			state: map[string]string{"fake_account.a": account("ani", "")},
			want:  "fake_account.a no-op",
		},
		"update": {
			src:   "resource \"fake_account\" \"a\" {\n name = \"ani\"\n email = \"a@x.id\"\n}",
			state: map[string]string{"fake_account.a": account("ani", "")},
			want:  "fake_account.a update",
		},
		"replace": {
			src:   "resource \"fake_account\" \"a\" {\n name = \"ani\"\n code = \"B\"\n}",
			state: map[string]string{"fake_account.a": account("ani", `"code":"A"`)},
			want:  "fake_account.a replace",
		},
		"forget": {
			src:   `resource "fake_account" "a" { name = "ani" }`,
			state: map[string]string{"fake_account.a": account("ani", ""), "fake_account.gone": account("gone", "")},
			want:  "fake_account.a no-op\nfake_account.gone forget",
		},
		"read now and read later": {
			src: `
data "fake_lookup" "now" { input = "x" }
resource "fake_account" "a" { name = "ani" }
data "fake_lookup" "later" { input = fake_account.a.id }`,
			want: "data.fake_lookup.later read\ndata.fake_lookup.now no-op\nfake_account.a create",
		},
		"count": {
			src:   "resource \"fake_account\" \"a\" {\n count = 3\n name = \"n${count.index}\"\n}",
			state: map[string]string{"fake_account.a[0]": account("n0", ""), "fake_account.a[5]": account("n5", "")},
			want:  "fake_account.a[0] no-op\nfake_account.a[1] create\nfake_account.a[2] create\nfake_account.a[5] forget",
		},
		"for_each set and map": {
			src: `
resource "fake_account" "s" {
  for_each = toset(["b", "a"])
  name     = each.value
}
resource "fake_account" "m" {
  for_each = { x = "ex", y = "why" }
  name     = "${each.key}-${each.value}"
}`,
			want: "fake_account.m[\"x\"] create\nfake_account.m[\"y\"] create\nfake_account.s[\"a\"] create\nfake_account.s[\"b\"] create",
		},
		"ignore_changes": {
			src: `resource "fake_account" "a" {
  name  = "ani"
  email = "new@x.id"
  lifecycle { ignore_changes = [email] }
}`,
			state: map[string]string{"fake_account.a": account("ani", `"email":"old@x.id"`)},
			want:  "fake_account.a no-op",
		},
		"replace flag": {
			src:   `resource "fake_account" "a" { name = "ani" }`,
			state: map[string]string{"fake_account.a": account("ani", "")},
			opts:  plans.Options{Replace: []string{"fake_account.a"}},
			want:  "fake_account.a replace",
		},
		"refresh sees drift": {
			src:    `resource "fake_account" "a" { name = "ani" }`,
			state:  map[string]string{"fake_account.a": account("ani", "")},
			opts:   plans.Options{Refresh: true},
			remote: map[string]cty.Value{"fake_account.a": cty.NullVal(cty.DynamicPseudoType)},
			want:   "fake_account.a create",
		},
		"refresh off ignores drift": {
			src:    `resource "fake_account" "a" { name = "ani" }`,
			state:  map[string]string{"fake_account.a": account("ani", "")},
			remote: map[string]cty.Value{"fake_account.a": cty.NullVal(cty.DynamicPseudoType)},
			want:   "fake_account.a no-op",
		},
		"target one instance with its dependency": {
			src: `
resource "fake_account" "base" { name = "base" }
resource "fake_account" "a" {
  for_each = toset(["x", "y"])
  name     = each.key
  tag      = fake_account.base.id
}
resource "fake_account" "other" { name = "other" }`,
			opts: plans.Options{Targets: []string{`fake_account.a["x"]`}},
			want: "fake_account.a[\"x\"] create\nfake_account.base create",
		},
		"target whole resource keeps the rest": {
			src: `
resource "fake_account" "a" { name = "a" }
resource "fake_account" "b" { name = "b2" }`,
			state: map[string]string{"fake_account.b": account("b", "")},
			opts:  plans.Options{Targets: []string{"fake_account.a"}},
			want:  "fake_account.a create\nfake_account.b no-op",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fake := enginetest.NewProvider()
			for k, v := range tc.remote {
				fake.Remote[k] = v
			}
			var st = stateOf(t, tc.state)
			res := mustPlan(t, tc.src, st, tc.opts, fake)
			if got := actions(res.Plan); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestPlanReplaceReasonAndSpends(t *testing.T) {
	fake := enginetest.NewProvider()
	fake.BalanceLeft = 7
	res := mustPlan(t, `
resource "fake_account" "a" {
  name = "ani"
  code = "B"
}
resource "fake_verification" "v" {
  count   = 2
  subject = "s${count.index}"
}`, stateOf(t, map[string]string{"fake_account.a": account("ani", `"code":"A"`)}), plans.Options{}, fake)
	c := change(t, res.Plan, "fake_account.a")
	if !strings.Contains(c.Reason, "code") || len(c.RequiresReplace) != 1 {
		t.Fatalf("reason %q, requires replace %v", c.Reason, c.RequiresReplace)
	}
	want := []plans.Spend{{Provider: "fake", Unit: "fake tokens", Count: 2, Balance: 7}}
	if len(res.Plan.Spends) != 1 || res.Plan.Spends[0] != want[0] {
		t.Fatalf("spends %+v, want %+v", res.Plan.Spends, want)
	}
}

func TestPlanBalanceFailureWarns(t *testing.T) {
	fake := enginetest.NewProvider()
	fake.BalanceFails = true
	res, diags := run(t, `resource "fake_verification" "v" { subject = "s" }`, nil, plans.Options{}, fake)
	if diags.HasErrors() || len(diags) != 1 || res.Plan.Spends[0].Balance != -1 {
		t.Fatalf("diags %v, spends %+v", diags, res.Plan.Spends)
	}
}

func TestPlanDependsOnAndSensitive(t *testing.T) {
	res := mustPlan(t, `
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "fake_account" "a" { name = "a" }
resource "fake_account" "b" {
  name       = "b"
  email      = var.pw
  depends_on = [fake_account.a]
}`, nil, plans.Options{}, nil)
	b := change(t, res.Plan, "fake_account.b")
	if len(b.Deps) != 1 || b.Deps[0].String() != "fake_account.a" {
		t.Fatalf("deps %v", b.Deps)
	}
	var paths []string
	for _, p := range b.Sensitive {
		paths = append(paths, p[0].(cty.GetAttrStep).Name)
	}
	got := strings.Join(paths, ",")
	if !strings.Contains(got, "secret") || !strings.Contains(got, "email") {
		t.Fatalf("sensitive paths %s, want secret and email", got)
	}
	if b.After.GetAttr("email").ContainsMarked() {
		t.Fatal("planned values must carry no marks")
	}
}

func TestPlanRefreshOnly(t *testing.T) {
	fake := enginetest.NewProvider()
	fake.Remote["fake_account.a"] = cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("ani"), "email": cty.StringVal("changed@x.id"), "tag": cty.NullVal(cty.String),
		"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-ani"),
		"profile": cty.NullVal(cty.Object(map[string]cty.Type{"city": cty.String})),
	})
	fake.Remote["fake_account.gone"] = cty.NullVal(cty.DynamicPseudoType)
	st := stateOf(t, map[string]string{"fake_account.a": account("ani", ""), "fake_account.b": account("b", ""), "fake_account.gone": account("gone", "")})
	res := mustPlan(t, `
resource "fake_account" "a" { name = "ani" }
resource "fake_account" "b" { name = "different" }
resource "fake_account" "new" { name = "new" }`, st, plans.Options{RefreshOnly: true}, fake)
	want := "fake_account.a update\nfake_account.b no-op\nfake_account.gone forget"
	if got := actions(res.Plan); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if !res.Plan.RefreshOnly || !strings.Contains(change(t, res.Plan, "fake_account.a").Reason, "refresh-only") {
		t.Fatal("refresh-only plan not marked")
	}
}

func TestPlanExistingRecordIsNotCreated(t *testing.T) {
	fake := enginetest.NewProvider()
	for i := range 8 {
		fake.Existing[fmt.Sprintf("fake_verification.v[%d]", i)] = &providers.Existing{
			ID: fmt.Sprintf("EMP-%d", i), IDAttribute: "id", Message: fmt.Sprintf("already verified as EMP-%d on 2026-02-11", i),
			Why: "It would cost twice.", Repeat: "Set allow_it = true."}
	}
	fake.Existing["fake_verification.w"] = &providers.Existing{ID: "EMP-W", Message: "already verified as EMP-W"}
	st := stateOf(t, map[string]string{"fake_verification.w": `{"subject":"old","id":"EMP-OLD","status":"completed"}`})
	res, diags := run(t, `
resource "fake_verification" "v" {
  count   = 9
  subject = "s${count.index}"
}
resource "fake_verification" "w" { subject = "new" }`, st, plans.Options{}, fake)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	v0 := change(t, res.Plan, "fake_verification.v[0]")
	if v0.Action != plans.NoOp || v0.Spends != 0 || !strings.Contains(v0.Reason, "already verified as EMP-0") {
		t.Errorf("v[0]: %s, spends %d, reason %q", v0.Action, v0.Spends, v0.Reason)
	}
	if c := change(t, res.Plan, "fake_verification.v[8]"); c.Action != plans.Create {
		t.Errorf("v[8] (nothing at the remote): %s", c.Action)
	}
	if c := change(t, res.Plan, "fake_verification.w"); c.Action != plans.Replace {
		t.Errorf("w (a replace is the user's word): %s", c.Action)
	}
	if s := res.Plan.Summary(); s.Add != 1 || s.Replace != 1 {
		t.Errorf("summary %+v", s)
	}
	if len(res.Plan.Spends) != 1 || res.Plan.Spends[0].Count != 2 {
		t.Errorf("spends %+v, want 2 (v[8] and w)", res.Plan.Spends)
	}
	if len(res.Plan.Existing) != 8 || res.Plan.Existing[0].ID != "EMP-0" || res.Plan.Existing[0].Addr.String() != "fake_verification.v[0]" {
		t.Errorf("existing %+v", res.Plan.Existing)
	}
	// Five warnings of their own, then one that counts the other three.
	var warnings []*hcl.Diagnostic
	for _, d := range diags {
		if d.Summary == "Already at the remote: not created" {
			warnings = append(warnings, d)
		}
	}
	if len(warnings) != 6 {
		t.Fatalf("%d warnings, want 6: %s", len(warnings), diags.Error())
	}
	for _, w := range warnings {
		if w.Severity != hcl.DiagWarning || w.Subject == nil || w.Subject.Start.Line != 6 { // after the provider block run prepends
			t.Errorf("warning %q at %v", w.Detail, w.Subject)
		}
	}
	if d := warnings[0].Detail; !strings.Contains(d, "It would cost twice.") || !strings.Contains(d, "Set allow_it = true.") ||
		!strings.Contains(d, "daftar import 'fake_verification.v[") {
		t.Errorf("warning detail %q", d)
	}
	if d := warnings[5].Detail; !strings.Contains(d, "3 more instances of fake_verification.v") {
		t.Errorf("last warning %q", d)
	}
}

// A record the state already holds for another address is not offered
// for import: the configuration declares it twice, and only the repeat
// creates it.
func TestPlanExistingRecordOfAnotherAddress(t *testing.T) {
	fake := enginetest.NewProvider()
	fake.Existing["fake_verification.again"] = &providers.Existing{ID: "EMP-1", IDAttribute: "id", Message: "already verified as EMP-1",
		Why: "It would cost twice.", Repeat: "Set allow_it = true."}
	st := stateOf(t, map[string]string{"fake_verification.first": `{"subject":"s","id":"EMP-1","status":"completed"}`})
	res, diags := run(t, `
resource "fake_verification" "first" { subject = "s" }
resource "fake_verification" "again" { subject = "s" }`, st, plans.Options{}, fake)
	if diags.HasErrors() || len(diags) != 1 {
		t.Fatalf("diags: %s", diags.Error())
	}
	d := diags[0].Detail
	if !strings.Contains(d, "which the state records as fake_verification.first") || strings.Contains(d, "daftar import") ||
		!strings.Contains(d, "Set allow_it = true.") {
		t.Errorf("warning %q", d)
	}
	if c := change(t, res.Plan, "fake_verification.again"); c.Action != plans.NoOp ||
		res.Plan.Existing[0].Message != "already verified as EMP-1, recorded in the state as fake_verification.first" {
		t.Errorf("again: %s, existing %+v", c.Action, res.Plan.Existing)
	}
}

// TestKeylessReplaceWarns: -replace of a resource with count or for_each
// without a key replaces nothing and says, in Terraform's words, which
// addresses would (at most ten of a batch); a resource without count
// or for_each is replaced by its address, with no warning.
func TestKeylessReplaceWarns(t *testing.T) {
	for name, tc := range map[string]struct {
		count     int
		want      []string
		notWanted string
	}{
		"none": {0, []string{"because this resource doesn't have any instances."}, "-replace="},
		"one":  {1, []string{"To force replacement of the single declared instance, use the following option instead:\n  -replace=\"fake_account.a[0]\""}, "more:"},
		"ten":  {10, []string{"use one or more of the following options instead:", "-replace=\"fake_account.a[9]\""}, "more:"},
		"many": {12, []string{"-replace=\"fake_account.a[9]\"\n  ... and 2 more: daftar state list fake_account.a lists them."}, "a[10]"},
	} {
		t.Run(name, func(t *testing.T) {
			records := map[string]string{"fake_account.b": account("b", "")}
			for i := range tc.count {
				records[fmt.Sprintf("fake_account.a[%d]", i)] = account(fmt.Sprintf("n%d", i), "")
			}
			src := fmt.Sprintf("resource \"fake_account\" \"a\" {\n count = %d\n name = \"n${count.index}\"\n}\nresource \"fake_account\" \"b\" { name = \"b\" }", tc.count)
			res, diags := run(t, src, stateOf(t, records), plans.Options{Replace: []string{"fake_account.a", "fake_account.b"}}, nil)
			if diags.HasErrors() || len(diags) != 1 || diags[0].Summary != "Incompletely-matched force-replace resource instance" {
				t.Fatalf("diagnostics: %v", diags)
			}
			d := diags[0].Detail
			if !strings.HasPrefix(d, "Your force-replace request for fake_account.a doesn't match any resource instances because ") || strings.Contains(d, tc.notWanted) {
				t.Errorf("detail:\n%s", d)
			}
			for _, w := range tc.want {
				if !strings.Contains(d, w) {
					t.Errorf("detail lacks %q:\n%s", w, d)
				}
			}
			want := ""
			for i := range tc.count {
				want += fmt.Sprintf("fake_account.a[%d] no-op\n", i)
			}
			if got := actions(res.Plan); got != want+"fake_account.b replace" {
				t.Errorf("got\n%s\nwant\n%sfake_account.b replace", got, want)
			}
		})
	}
}
