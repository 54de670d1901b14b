package planner_test

import (
	"context"
	"fmt"
	"runtime"
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
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// tableSrc reads people.csv as a batch does (LOCAL is the local's
// expression), with a resource whose for_each is exactly the local, one
// whose for_each builds on it, another local and outputs that read it.
const tableSrc = providerBlock + `
locals {
  people = LOCAL
  emails = [for p in local.people : p.email]
}

resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value.email
  tag      = lower(each.value.city)
  profile {
    city = each.value.city
  }
}

resource "fake_account" "q" {
  for_each = { for k, v in local.people : k => v if v.city != "" }
  name     = "q-${each.key}"
  tag      = jsonencode(each.value)
}

output "n" {
  value = length(local.people)
}

output "ani" {
  value = local.people["ani"].email
}

output "emails" {
  value = local.emails
}

output "whole" {
  value = local.people
}
`

const (
	// tableLocal is the shape read as a table; heldLocal the same value,
	// in a shape the table does not take (a condition), evaluated by HCL.
	tableLocal = `{ for row in csvdecode(file("people.csv")) : row.username => row }`
	heldLocal  = `{ for row in csvdecode(file("people.csv")) : row.username => row if true }`
)

const tablePeople = "username,email,city\n" +
	"cici,cici@x.id,Medan\n" +
	"ani,ani@x.id,Bandung\n" +
	"\"dewi\",\"dewi, the second\"\"@x.id\",\n" +
	"budi,budi@x.id,\"Jakarta\nSelatan\"\n" +
	"Jose\u0301,jose@x.id,Su\u0308d\n"

// planTable plans the configuration with the given local against st,
// with the locals given beforehand (as the commands do) or not, and
// reports whether the local was read as a table.
func planTable(t *testing.T, local, csv string, st *state.State, early bool) (*planner.Result, hcl.Diagnostics, bool) {
	t.Helper()
	dir := enginetest.WriteConfig(t, map[string]string{"main.hcl": strings.Replace(tableSrc, "LOCAL", local, 1), "people.csv": csv})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	req := &planner.Request{Config: cfg, Vars: map[string]cty.Value{}, State: st,
		Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}, Digester: enginetest.Digester{}}
	locals := planner.EvalLocals(req)
	_, isTable := schema.TableOf(locals["people"])
	if early {
		req.Locals = locals
	}
	res, diags := planner.Plan(context.Background(), req)
	return res, diags, isTable
}

// samePlans checks that two plans hold the same changes, values and
// outputs.
func samePlans(t *testing.T, got, want *plans.Plan) {
	t.Helper()
	if a, b := actions(got), actions(want); a != b {
		t.Fatalf("changes:\n%s\nwant:\n%s", a, b)
	}
	for i, c := range got.Changes {
		w := want.Changes[i]
		cb, ca, err1 := c.Values()
		wb, wa, err2 := w.Values()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		cc, err1 := c.ConfigValue()
		wc, err2 := w.ConfigValue()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !cb.RawEquals(wb) || !ca.RawEquals(wa) || !cc.RawEquals(wc) || c.ConfigDigest != w.ConfigDigest || c.Reason != w.Reason {
			t.Errorf("%s: before %#v after %#v config %#v digest %q\nwant before %#v after %#v config %#v digest %q",
				c.Addr, cb, ca, cc, c.ConfigDigest, wb, wa, wc, w.ConfigDigest)
		}
	}
	if len(got.Outputs) != len(want.Outputs) {
		t.Fatalf("%d outputs, want %d", len(got.Outputs), len(want.Outputs))
	}
	for i, o := range got.Outputs {
		if w := want.Outputs[i]; o.Name != w.Name || !o.Value.RawEquals(w.Value) {
			t.Errorf("output %s = %#v, want %s = %#v", o.Name, o.Value, w.Name, w.Value)
		}
	}
}

// TestTableLocalPlansAsHCL: a batch's local read as a table plans what
// the same local evaluated by HCL plans: the instances, their
// configurations and digests, the resource that builds on the local, the
// outputs that read it (its length, a row, the whole) and the local that
// reads it; from an empty state, and against a state applied with an older
// CSV (a changed row, a removed one, a new one).
func TestTableLocalPlansAsHCL(t *testing.T) {
	for _, early := range []bool{false, true} {
		got, diags, isTable := planTable(t, tableLocal, tablePeople, nil, early)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		if !isTable {
			t.Fatal("the batch's local is not read as a table")
		}
		want, diags, isTable := planTable(t, heldLocal, tablePeople, nil, early)
		if diags.HasErrors() || isTable {
			t.Fatal(diags.Error(), isTable)
		}
		samePlans(t, got.Plan, want.Plan)
		if n := len(got.Plan.Changes); n != 9 {
			t.Fatalf("%d changes:\n%s", n, actions(got.Plan))
		}
	}

	// The state of the applied plan, then the CSV changed: the row of
	// budi changed, cici's gone, eko's new.
	applied, _, _ := planTable(t, heldLocal, tablePeople, nil, false)
	st := state.New()
	for _, c := range applied.Plan.Changes {
		_, after, err := c.Values()
		if err != nil {
			t.Fatal(err)
		}
		rec := stateOf(t, map[string]string{c.Addr.String(): ""}).Resources[c.Addr.String()]
		after, _ = cty.Transform(after, func(_ cty.Path, v cty.Value) (cty.Value, error) {
			if !v.IsKnown() {
				return cty.StringVal("id-" + c.Addr.String()), nil // as apply gives it
			}
			return v, nil
		})
		js, err := ctyjson.Marshal(after, after.Type())
		if err != nil {
			t.Fatal(err)
		}
		rec.SetAttributes(js)
		rec.SetConfigDigest(c.ConfigDigest)
		st.Resources[c.Addr.String()] = rec
	}
	changed := strings.Replace(strings.Replace(tablePeople, "cici,cici@x.id,Medan\n", "eko,eko@x.id,Solo\n", 1), "budi@x.id", "budi@y.id", 1)
	for _, early := range []bool{false, true} {
		got, diags, isTable := planTable(t, tableLocal, changed, st, early)
		if diags.HasErrors() || !isTable {
			t.Fatal(diags.Error(), isTable)
		}
		want, diags, _ := planTable(t, heldLocal, changed, st, early)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		samePlans(t, got.Plan, want.Plan)
		acts := actions(got.Plan)
		for _, line := range []string{`fake_account.p["budi"] update`, `fake_account.p["cici"] forget`, `fake_account.p["eko"] create`,
			`fake_account.p["ani"] no-op`, `fake_account.p["José"] no-op`, `fake_account.q["budi"] update`} {
			if !strings.Contains(acts, line) {
				t.Errorf("no %q in\n%s", line, acts)
			}
		}
	}
}

// TestLargeTablePlansAsHCL: a table of more rows than one goroutine
// makes keys of (tableKeys splits them across cores) plans what HCL's
// evaluation of the same local plans: every instance with its own key
// and row, in the same order.
func TestLargeTablePlansAsHCL(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // ranges made at once even on one core
	var csv strings.Builder
	csv.WriteString("username,email,city\nani,ani@x.id,Bandung\n") // the row an output reads
	for i := range 9000 {
		fmt.Fprintf(&csv, "u%05d,u%d@x.id,City %d\n", (i*7919)%9000, i, i%17) // rows out of key order
	}
	got, diags, isTable := planTable(t, tableLocal, csv.String(), nil, true)
	if diags.HasErrors() || !isTable {
		t.Fatal(diags.Error(), isTable)
	}
	want, diags, isTable := planTable(t, heldLocal, csv.String(), nil, true)
	if diags.HasErrors() || isTable {
		t.Fatal(diags.Error(), isTable)
	}
	samePlans(t, got.Plan, want.Plan)
	if n := len(got.Plan.Changes); n != 18002 {
		t.Fatalf("%d changes, want 18002", n)
	}
}

// TestTableLocalErrors: a CSV the table does not take is evaluated as
// before, with the diagnostics it always had: the CSV's bad rows at their
// lines, a duplicate key.
func TestTableLocalErrors(t *testing.T) {
	_, diags, isTable := planTable(t, tableLocal, "username,email,city\nani,a@x.id\nbudi,b@x.id,Medan\ncici\n", nil, true)
	if isTable || len(diags) != 2 || !strings.Contains(diags[0].Detail, "Row at line 2 of") || !strings.Contains(diags[1].Detail, "Row at line 4 of") ||
		!strings.Contains(diags[0].Detail, "(read by csvdecode at ") || !strings.HasSuffix(diags[0].Subject.Filename, "people.csv") {
		t.Errorf("bad rows: table %v, %s", isTable, diags.Error())
	}
	_, diags, isTable = planTable(t, tableLocal, "username,email,city\nani,a@x.id,X\nani,b@x.id,Y\n", nil, true)
	if isTable || len(diags) != 1 || diags[0].Summary != "Duplicate object key" || !strings.Contains(diags[0].Detail, `"ani"`) {
		t.Errorf("duplicate key: table %v, %s", isTable, diags.Error())
	}
}

// TestTableRowOrigin: a provider's error about an instance of a table's
// row names the row's line in the CSV, as it does for a row object.
func TestTableRowOrigin(t *testing.T) {
	dir := enginetest.WriteConfig(t, map[string]string{
		"rows.csv": "name,email\nani,a@x.id\n\"a\nb!\",c@x.id\nbu!di,b@x.id\n",
		"main.hcl": providerBlock + `
locals {
  rows = { for r in csvdecode(file("rows.csv")) : r.email => r }
}
resource "fake_account" "hire" {
  for_each = local.rows
  name     = each.value.name
}`,
	})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	req := &planner.Request{Config: cfg, Vars: map[string]cty.Value{}, Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}}
	req.Locals = planner.EvalLocals(req)
	if _, ok := schema.TableOf(req.Locals["rows"]); !ok {
		t.Fatal("not read as a table")
	}
	_, diags = planner.Plan(context.Background(), req)
	var details []string
	for _, d := range diags {
		details = append(details, d.Detail)
	}
	all := strings.Join(details, "\n")
	if len(diags) != 2 || !strings.Contains(all, "The instance comes from line 5 of ") || !strings.Contains(all, "The instance comes from line 3 of ") {
		t.Fatalf("diagnostics: %s", all)
	}
}

// TestTableOfOneColumnPlansAsHCL: a local whose value is one column of
// each row (row.username => row.email) plans as HCL's value does.
func TestTableOfOneColumnPlansAsHCL(t *testing.T) {
	const src = providerBlock + `
locals {
  emails = LOCAL
}
resource "fake_account" "p" {
  for_each = local.emails
  name     = each.key
  email    = each.value
  tag      = upper(each.value)
}
output "emails" {
  value = local.emails
}
`
	plan := func(local string) (*planner.Result, bool) {
		dir := enginetest.WriteConfig(t, map[string]string{"main.hcl": strings.Replace(src, "LOCAL", local, 1), "people.csv": tablePeople})
		cfg, diags := schema.Load(dir)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		req := &planner.Request{Config: cfg, Vars: map[string]cty.Value{}, Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}, Digester: enginetest.Digester{}}
		req.Locals = planner.EvalLocals(req)
		_, isTable := schema.TableOf(req.Locals["emails"])
		res, diags := planner.Plan(context.Background(), req)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		return res, isTable
	}
	got, isTable := plan(`{ for row in csvdecode(file("people.csv")) : row.username => row.email }`)
	want, heldTable := plan(`{ for row in csvdecode(file("people.csv")) : row.username => row.email if true }`)
	if !isTable || heldTable {
		t.Fatalf("read as a table: %v, %v", isTable, heldTable)
	}
	samePlans(t, got.Plan, want.Plan)
	if len(got.Plan.Changes) != 5 {
		t.Fatalf("changes:\n%s", actions(got.Plan))
	}
}
