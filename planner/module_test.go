package planner_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// personModule is a module of two fake accounts, the second referring to
// the first.
const personModule = `
variable "name" {
  type = string
}
variable "suffix" {
  type    = string
  default = "-v"
}
locals {
  verified = "${var.name}${var.suffix}"
}
resource "fake_account" "acct" {
  name = var.name
}
resource "fake_account" "ver" {
  name = local.verified
  tag  = fake_account.acct.id
}
output "id" {
  value = fake_account.acct.id
}
output "name" {
  value = fake_account.acct.name
}
`

// runModules plans files (a path → content map; providerBlock is added to
// main.hcl) against st.
func runModules(t *testing.T, files map[string]string, st *state.State, opts plans.Options) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	return runModulesWith(t, files, st, opts, enginetest.NewProvider())
}

// runModulesWith is runModules with the fake provider prov.
func runModulesWith(t *testing.T, files map[string]string, st *state.State, opts plans.Options, prov *enginetest.Provider) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if name == "main.hcl" {
			content = providerBlock + content
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		return nil, diags
	}
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	return planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: opts, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": prov},
	})
}

// TestPlanModules plans a module called with for_each: each instance's
// resources are addressed with the module instance, a resource depends
// on its own module instance's resource only, outputs are read as
// module.NAME["key"].OUT, and a stored instance is found at its module
// address.
func TestPlanModules(t *testing.T) {
	files := map[string]string{
		"main.hcl": `
module "hire" {
  source   = "./modules/person"
  for_each = toset(["a", "b"])
  name     = each.key
}
module "solo" {
  source = "./modules/person"
  name   = "s"
  suffix = "-solo"
}
resource "fake_account" "after" {
  name = "after"
  tag  = module.hire["a"].name
}
output "names" {
  value = { for k, m in module.hire : k => m.name }
}
`,
		"modules/person/main.hcl": personModule,
	}
	st := stateOf(t, map[string]string{`module.hire["b"].fake_account.acct`: account("b", "")})
	st.Resources[`module.hire["b"].fake_account.acct`].SetModule(`module.hire["b"]`)
	res, diags := runModules(t, files, st, plans.Options{})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	want := strings.Join([]string{
		"fake_account.after create",
		`module.hire["a"].fake_account.acct create`,
		`module.hire["b"].fake_account.acct no-op`,
		`module.hire["a"].fake_account.ver create`,
		`module.hire["b"].fake_account.ver create`,
		"module.solo.fake_account.acct create",
		"module.solo.fake_account.ver create",
	}, "\n")
	if got := actions(res.Plan); got != want {
		t.Errorf("actions:\n%s\nwant:\n%s", got, want)
	}
	for addr, dep := range map[string]string{
		`module.hire["a"].fake_account.ver`: `module.hire["a"].fake_account.acct`,
		`module.hire["b"].fake_account.ver`: `module.hire["b"].fake_account.acct`,
		"module.solo.fake_account.ver":      "module.solo.fake_account.acct",
		"fake_account.after":                "module.hire.fake_account.acct",
	} {
		c := change(t, res.Plan, addr)
		if len(c.DependsOn) != 1 || c.DependsOn[0].String() != dep {
			t.Errorf("%s depends on %v, want [%s]", addr, c.DependsOn, dep)
		}
	}
	if got := change(t, res.Plan, "module.solo.fake_account.ver").After.GetAttr("name").AsString(); got != "s-solo" {
		t.Errorf("module.solo's ver is named %q, want s-solo (the argument over the default, through a local)", got)
	}
	if got := change(t, res.Plan, "fake_account.after").After.GetAttr("tag").AsString(); got != "a" {
		t.Errorf("fake_account.after's tag is %q, want module.hire[\"a\"].name", got)
	}
	var names *plans.Output
	for _, o := range res.Plan.Outputs {
		if o.Name == "names" {
			names = o
		}
	}
	if names == nil || names.Value.GetAttr("b").AsString() != "b" {
		t.Errorf("output names: %#v", names)
	}
}

// hireFiles calls personModule for "a" and "b".
func hireFiles() map[string]string {
	return map[string]string{
		"main.hcl": `
module "hire" {
  source   = "./modules/person"
  for_each = toset(["a", "b"])
  name     = each.key
}
`,
		"modules/person/main.hcl": personModule,
	}
}

// TestModuleTarget checks that -target=module.hire["a"] selects that
// module instance's resources only.
func TestModuleTarget(t *testing.T) {
	files := hireFiles()
	res, diags := runModules(t, files, nil, plans.Options{Targets: []string{`module.hire["a"]`}})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	want := "module.hire[\"a\"].fake_account.acct create\nmodule.hire[\"a\"].fake_account.ver create"
	if got := actions(res.Plan); got != want {
		t.Errorf("actions:\n%s\nwant:\n%s", got, want)
	}
}

// TestModuleReplaceRefused checks that -replace given a module call or a
// module instance is an error, as in Terraform, and that the plan then
// reads nothing: such an address would replace every instance in the
// module, a token for each verification. An invalid -target stops the
// plan the same way. An instance in a module is replaced as asked.
func TestModuleReplaceRefused(t *testing.T) {
	files := hireFiles()
	stored := func() *state.State {
		records := map[string]string{}
		for _, k := range []string{"a", "b"} {
			records[`module.hire["`+k+`"].fake_account.acct`] = account(k, "")
		}
		st := stateOf(t, records)
		for addr, r := range st.Resources {
			r.SetModule(addr[:strings.Index(addr, "].")+1])
		}
		return st
	}
	for _, tc := range []struct {
		opts plans.Options
		want string
	}{
		{plans.Options{Replace: []string{`module.hire["a"]`}}, `-replace=module.hire["a"] names a module, not a resource instance`},
		{plans.Options{Replace: []string{"module.hire"}}, "daftar state list 'module.hire' lists the instances in it."},
		{plans.Options{Replace: []string{`module.hire["a"].fake_account.acct`}, Targets: []string{"fake_account.x["}}, "-target=fake_account.x[: invalid address"},
	} {
		prov := enginetest.NewProvider()
		res, diags := runModulesWith(t, files, stored(), tc.opts, prov)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
			t.Errorf("-replace=%q -target=%q: diagnostics %v, want an error with %q", tc.opts.Replace, tc.opts.Targets, diags, tc.want)
			continue
		}
		if !res.Plan.Errored || res.Plan.HasChanges() {
			t.Errorf("-replace=%q -target=%q: the plan was made:\n%s", tc.opts.Replace, tc.opts.Targets, actions(res.Plan))
		}
		if reads := prov.CallsTo("ReadResource"); len(reads) > 0 {
			t.Errorf("-replace=%q -target=%q: read %v before reporting the address", tc.opts.Replace, tc.opts.Targets, reads)
		}
	}
	res, diags := runModules(t, files, stored(), plans.Options{Replace: []string{`module.hire["a"].fake_account.acct`}})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	if got := change(t, res.Plan, `module.hire["a"].fake_account.acct`).Action; got != plans.Replace {
		t.Errorf("module.hire[\"a\"].fake_account.acct: %s, want replace", got)
	}
	if got := change(t, res.Plan, `module.hire["b"].fake_account.acct`).Action; got != plans.NoOp {
		t.Errorf("module.hire[\"b\"].fake_account.acct: %s, want no-op", got)
	}
}

// TestModuleErrors checks the mistakes of module calls are reported at
// the call, before any request.
func TestModuleErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		main, module string
		want         []string
	}{
		"remote source": {`module "hire" {
  source = "git::https://example.com/person.git"
}`, personModule, []string{"Only local module sources are supported", "main.hcl:6,12"}},
		"unknown argument": {`module "hire" {
  source = "./modules/person"
  name   = "a"
  sufix  = "x"
}`, personModule, []string{"Unsupported argument", `Did you mean "suffix"?`, "main.hcl:8,3"}},
		"missing argument": {`module "hire" {
  source = "./modules/person"
}`, personModule, []string{"Missing required argument", `argument "name"`, "main.hcl:5,1"}},
		"provider in module": {`module "hire" {
  source = "./modules/person"
  name   = "a"
}`, personModule + providerBlock, []string{"provider block in a module", "modules/person/main.hcl"}},
		"undeclared in module": {`module "hire" {
  source = "./modules/person"
  name   = "a"
}`, strings.Replace(personModule, "tag  = fake_account.acct.id", "tag  = fake_account.act.id", 1), []string{"Reference to undeclared resource", "fake_account.acct"}},
		"wrong type": {`module "hire" {
  source = "./modules/person"
  name   = ["a"]
}`, personModule, []string{"Invalid value for variable", "module \"hire\""}},
		"validation": {`module "hire" {
  source = "./modules/person"
  name   = "A"
}`, strings.Replace(personModule, "type = string\n}", "type = string\n  validation {\n    condition     = lower(var.name) == var.name\n    error_message = \"Lower case only.\"\n  }\n}", 1), []string{"Lower case only."}},
		"undeclared module": {`module "hire" {
  source = "./modules/person"
  name   = "a"
}
output "x" {
  value = module.hir.id
}`, personModule, []string{"Reference to undeclared module call", `Did you mean "hire"?`}},
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := runModules(t, map[string]string{"main.hcl": tc.main, "modules/person/main.hcl": tc.module}, nil, plans.Options{})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			var text []string
			for _, d := range diags {
				s := d.Summary + ": " + d.Detail
				if d.Subject != nil {
					s += " @ " + d.Subject.String()
				}
				text = append(text, s)
			}
			all := strings.Join(text, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("diagnostics lack %q:\n%s", w, all)
				}
			}
		})
	}
}

// TestPlanNestedModules plans a module called with count that calls
// another module once, and a root resource whose depends_on names a
// module: it waits for every resource of the module, nested ones too.
func TestPlanNestedModules(t *testing.T) {
	files := map[string]string{
		"main.hcl": `
module "team" {
  source = "./modules/team"
  count  = 2
  lead   = "lead${count.index}"
}
resource "fake_account" "last" {
  name       = "last"
  tag        = module.team[1].lead_id
  depends_on = [module.team]
}
`,
		"modules/team/main.hcl": `
variable "lead" {
  type = string
}
module "lead" {
  source = "../person"
  name   = var.lead
}
output "lead_id" {
  value = module.lead.name
}
`,
		"modules/person/main.hcl": personModule,
	}
	res, diags := runModules(t, files, nil, plans.Options{})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	want := strings.Join([]string{
		"fake_account.last create",
		"module.team[0].module.lead.fake_account.acct create",
		"module.team[1].module.lead.fake_account.acct create",
		"module.team[0].module.lead.fake_account.ver create",
		"module.team[1].module.lead.fake_account.ver create",
	}, "\n")
	if got := actions(res.Plan); got != want {
		t.Errorf("actions:\n%s\nwant:\n%s", got, want)
	}
	if got := change(t, res.Plan, "module.team[1].module.lead.fake_account.ver").After.GetAttr("name").AsString(); got != "lead1-v" {
		t.Errorf("the nested module's ver is named %q, want lead1-v", got)
	}
	if got := change(t, res.Plan, "fake_account.last").After.GetAttr("tag").AsString(); got != "lead1" {
		t.Errorf("fake_account.last's tag is %q, want lead1", got)
	}
	var deps []string
	for _, d := range change(t, res.Plan, "fake_account.last").DependsOn {
		deps = append(deps, d.String())
	}
	if got := strings.Join(deps, " "); got != "module.team.module.lead.fake_account.acct module.team.module.lead.fake_account.ver" {
		t.Errorf("fake_account.last depends on %s, want every resource of module.team", got)
	}
	c := change(t, res.Plan, "module.team[0].module.lead.fake_account.ver")
	if len(c.DependsOn) != 1 || c.DependsOn[0].String() != "module.team[0].module.lead.fake_account.acct" {
		t.Errorf("nested ver depends on %v", c.DependsOn)
	}
}

// TestValidateModuleWithUnsetVariable validates a module called with a
// for_each from a variable without value: one instance stands for all,
// and a mistake in the module is still found.
func TestValidateModuleWithUnsetVariable(t *testing.T) {
	for name, tc := range map[string]struct {
		module string
		want   string
	}{
		"valid":   {personModule, ""},
		"invalid": {strings.Replace(personModule, "name = var.name\n}", "name = var.name\n  emial = \"x\"\n}", 1), `Did you mean "email"?`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for path, content := range map[string]string{
				"main.hcl": providerBlock + `
variable "people" {
  type = set(string)
}
module "hire" {
  source   = "./modules/person"
  for_each = var.people
  name     = each.key
}
`,
				"modules/person/main.hcl": tc.module,
			} {
				full := filepath.Join(dir, path)
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg, diags := schema.Load(dir)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			diags = planner.Validate(&planner.Request{Config: cfg, Digester: enginetest.Digester{},
				Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}})
			switch {
			case tc.want == "" && diags.HasErrors():
				t.Errorf("validate: %s", diags.Error())
			case tc.want != "" && !strings.Contains(diags.Error(), tc.want):
				t.Errorf("validate: %v, want %q", diags, tc.want)
			}
		})
	}
}

// TestPlanNestedKeys plans a keyed module holding a keyed resource and a
// nested keyed module: addresses carry every key, each resource reads its
// own module instance's resources, and a stored record at such an address
// is found again (no change).
func TestPlanNestedKeys(t *testing.T) {
	files := map[string]string{
		"main.hcl": `module "hire" {
  source   = "./modules/person"
  for_each = toset(["ani", "budi"])
  name     = each.key
}
output "extra" {
  value = module.hire["ani"].extra
}`,
		"modules/person/main.hcl": `variable "name" {
  type = string
}
resource "fake_account" "acct" {
  name = var.name
}
resource "fake_account" "extra" {
  for_each = toset(["x", "y"])
  name     = "${var.name}-${each.key}"
  tag      = fake_account.acct.name
}
module "badge" {
  source = "../badge"
  count  = 2
  owner  = fake_account.extra["x"].name
  n      = count.index
}
output "extra" {
  value = [for k, v in fake_account.extra : v.name]
}`,
		"modules/badge/main.hcl": `variable "owner" {
  type = string
}
variable "n" {
  type = number
}
resource "fake_account" "b" {
  name = "${var.owner}-b${var.n}"
}`,
	}
	res, diags := runModules(t, files, nil, plans.Options{Refresh: true})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var got []string
	for _, c := range res.Plan.Changes {
		got = append(got, c.Addr.String())
	}
	want := []string{
		`module.hire["ani"].fake_account.acct`, `module.hire["budi"].fake_account.acct`,
		`module.hire["ani"].fake_account.extra["x"]`, `module.hire["ani"].fake_account.extra["y"]`,
		`module.hire["budi"].fake_account.extra["x"]`, `module.hire["budi"].fake_account.extra["y"]`,
		`module.hire["ani"].module.badge[0].fake_account.b`, `module.hire["ani"].module.badge[1].fake_account.b`,
		`module.hire["budi"].module.badge[0].fake_account.b`, `module.hire["budi"].module.badge[1].fake_account.b`,
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	b := change(t, res.Plan, `module.hire["budi"].module.badge[1].fake_account.b`)
	if b.After.GetAttr("name").AsString() != "budi-x-b1" {
		t.Errorf("budi's badge: %#v", b.After)
	}
	if o := res.Plan.Outputs[0].Value; o.LengthInt() != 2 || o.Index(cty.NumberIntVal(0)).AsString() != "ani-x" {
		t.Errorf("output extra: %#v", o)
	}
}
