package planner_test

import (
	"fmt"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// TestEvalLocals: the locals that refer to no resource are evaluated
// without a state, and Plan takes them from Request.Locals; a local that
// refers to a resource is left to Plan, and any diagnostic leaves them all
// to it.
func TestEvalLocals(t *testing.T) {
	const src = `
locals {
  names  = ["ani", "budi"]
  upper  = [for n in local.names : upper(n)]
  lookup = fake_account.a.id
}
resource "fake_account" "a" { name = "ani" }
resource "fake_account" "b" {
  for_each = toset(local.upper)
  name     = each.key
}
`
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	req := &planner.Request{Config: cfg, Vars: map[string]cty.Value{}, Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}}
	locals := planner.EvalLocals(req)
	if len(locals) != 2 || !locals["upper"].RawEquals(cty.TupleVal([]cty.Value{cty.StringVal("ANI"), cty.StringVal("BUDI")})) {
		t.Fatalf("EvalLocals = %#v, want names and upper", locals)
	}
	// Plan takes what it is given: a value the configuration does not
	// compute shows that it was not evaluated again.
	req.Locals = map[string]cty.Value{"names": locals["names"], "upper": cty.TupleVal([]cty.Value{cty.StringVal("CICI")})}
	res, diags := planner.Plan(t.Context(), req)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got := actions(res.Plan); got != `fake_account.a create`+"\n"+`fake_account.b["CICI"] create` {
		t.Errorf("plan:\n%s", got)
	}

	broken := enginetest.LoadConfig(t, providerBlock+`
locals {
  fine = "x"
  bad  = upper(1, 2)
}
`)
	if got := planner.EvalLocals(&planner.Request{Config: broken, Vars: map[string]cty.Value{}, Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}}); got != nil {
		t.Errorf("EvalLocals of a configuration with an error = %#v, want nil", got)
	}
}

// TestLargeForEachInOrder: a for_each object of several thousand
// attributes (expanded in parallel chunks) gives every instance once, in
// key order, with its own each.value.
func TestLargeForEachInOrder(t *testing.T) {
	const src = `
resource "fake_account" "p" {
  for_each = { for p in setproduct(range(30), range(100)) : format("k%04d", 2999 - p[0] * 100 - p[1]) => format("n%d", 2999 - p[0] * 100 - p[1]) }
  name     = each.value
}
`
	res, diags := run(t, src, nil, plans.Options{}, nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if len(res.Plan.Changes) != 3000 {
		t.Fatalf("%d changes, want 3000", len(res.Plan.Changes))
	}
	for i, c := range res.Plan.Changes {
		if want := fmt.Sprintf(`fake_account.p["k%04d"]`, i); c.Addr.String() != want {
			t.Fatalf("change %d is %s, want %s", i, c.Addr, want)
		}
		if !c.Deferred() {
			t.Fatalf("%s: the planned value of a create of a batch is kept encoded (plans.Change.Pack)", c.Addr)
		}
		_, after, err := c.Values()
		if err != nil {
			t.Fatal(err)
		}
		if name := after.GetAttr("name").AsString(); name != fmt.Sprintf("n%d", i) {
			t.Fatalf("%s: name %q, want n%d", c.Addr, name, i)
		}
	}
}
