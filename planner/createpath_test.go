package planner_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// createPathSrc is a batch of creates whose configurations hold what the
// shortcuts of a batch's create path must keep: nulls, a nested block
// set or not, a number converted to a string, a literal shared by every
// row; and a batch whose configurations hold a sensitive variable's
// marks.
const createPathSrc = `
variable "secret" {
  type      = string
  default   = "s3cret"
  sensitive = true
}
locals {
  rows = { for i in range(150) : format("p%03d", i) => {
    email = i % 3 == 0 ? null : "p${i}@example.id"
    city  = i % 4 == 0 ? null : "Medan"
    code  = i
  } }
}
resource "fake_account" "p" {
  for_each = local.rows
  name     = each.key
  email    = each.value.email
  code     = each.value.code
  tag      = "batch"
  profile {
    city = each.value.city
  }
}
resource "fake_account" "m" {
  for_each = local.rows
  name     = "m-${each.key}"
  email    = each.value.email
  secret   = each.value.code % 5 == 0 ? var.secret : null
}
`

// TestBatchCreatesAsUnpacked: a batch's creates, planned through its
// create path (the pre-pass lets go of each configuration, the walk
// evaluates it again and packs it: plans.Change.Pack), are the creates
// the same configuration plans when its resource is no batch: the same
// action, configuration, planned value, sensitive paths, reason, digest,
// and the same line in a saved plan.
func TestBatchCreatesAsUnpacked(t *testing.T) {
	var fromAttrs [2]int
	plan := func(batch bool) *planner.Result {
		t.Helper()
		if !batch {
			defer planner.SetBatchInstances(1000)()
		}
		fake := enginetest.NewProvider()
		fake.Fingerprints = true
		res, diags := runState(t, createPathSrc, state.New(), plans.Options{}, fake)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		if batch {
			fromAttrs[0] = len(fake.CallsTo("PlanResourceFields"))
		} else {
			fromAttrs[1] = len(fake.CallsTo("PlanResourceFields"))
		}
		return res
	}
	packed, plain := plan(true), plan(false)
	// The unmarked batch is planned from its attributes (no object built);
	// the marked one, and a resource that is no batch, from objects.
	if fromAttrs != [2]int{150, 0} {
		t.Errorf("planned from attributes %d creates of the batches and %d of the plain plan, want 150 and 0", fromAttrs[0], fromAttrs[1])
	}
	if len(packed.Plan.Changes) != 300 || len(plain.Plan.Changes) != 300 {
		t.Fatalf("%d and %d changes, want 300", len(packed.Plan.Changes), len(plain.Plan.Changes))
	}
	n := 0
	for i, c := range packed.Plan.Changes {
		want := plain.Plan.Changes[i]
		if c.Deferred() {
			n++
		}
		if want.Deferred() {
			t.Fatalf("%s packed in a resource of 150 with batches of 1000", want.Addr)
		}
		if c.Addr.String() != want.Addr.String() || c.Action != want.Action || c.Reason != want.Reason || c.ConfigDigest != want.ConfigDigest || c.ConfigDigest == "" {
			t.Errorf("%s: %s %q %s, want %s: %s %q %s", c.Addr, c.Action, c.Reason, c.ConfigDigest, want.Addr, want.Action, want.Reason, want.ConfigDigest)
		}
		sameValues(t, c, want)
		if t.Failed() {
			break
		}
	}
	if n != 300 {
		t.Errorf("%d creates packed, want 300", n)
	}
	var a, b bytes.Buffer
	packed.Plan.Options.Timestamp, packed.Plan.Lineage, packed.Plan.InputDigest = plain.Plan.Options.Timestamp, plain.Plan.Lineage, plain.Plan.InputDigest
	if err := plans.Save(&a, packed.Plan); err != nil {
		t.Fatal(err)
	}
	if err := plans.Save(&b, plain.Plan); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		al, bl := bytes.Split(a.Bytes(), []byte("\n")), bytes.Split(b.Bytes(), []byte("\n"))
		for i := range min(len(al), len(bl)) {
			if !bytes.Equal(al[i], bl[i]) {
				t.Fatalf("saved plans differ at line %d:\n%s\n%s", i+1, al[i], bl[i])
			}
		}
		t.Fatalf("saved plans differ: %d and %d lines", len(al), len(bl))
	}
}

// TestBatchCreatesAsUnpackedApplyOnly: TestBatchCreatesAsUnpacked of a
// plan that is only applied (Request.ApplyOnly), whose batch's creates
// are planned as their attributes (providers.PlanFields) and packed as
// their attribute values (plans.Change.PackCreateValues): the same
// actions, reasons, sensitive paths, planned values and configurations as
// the creates of a resource that is no batch.
func TestBatchCreatesAsUnpackedApplyOnly(t *testing.T) {
	plan := func(batch bool) (*planner.Result, int) {
		t.Helper()
		if !batch {
			defer planner.SetBatchInstances(1000)()
		}
		fake := enginetest.NewProvider()
		fake.Fingerprints = true
		cfg := enginetest.LoadConfig(t, providerBlock+createPathSrc)
		vars, diags := cfg.ResolveVariables(nil, nil)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		res, diags := planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: vars, State: state.New(),
			Providers: map[string]providers.Provider{"fake": fake}, Digester: enginetest.Digester{}, ApplyOnly: true})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		return res, len(fake.CallsTo("PlanResourceFields"))
	}
	packed, fields := plan(true)
	plain, plainFields := plan(false)
	if fields != 150 || plainFields != 0 {
		t.Errorf("planned as attributes %d creates of the batches and %d of the plain plan, want 150 and 0", fields, plainFields)
	}
	if len(packed.Plan.Changes) != 300 || len(plain.Plan.Changes) != 300 {
		t.Fatalf("%d and %d changes, want 300", len(packed.Plan.Changes), len(plain.Plan.Changes))
	}
	for i, c := range packed.Plan.Changes {
		want := plain.Plan.Changes[i]
		if !c.Deferred() {
			t.Fatalf("%s not packed", c.Addr)
		}
		if c.Addr.String() != want.Addr.String() || c.Action != want.Action || c.Reason != want.Reason || c.Spends != want.Spends || c.ConfigDigest != "" {
			t.Errorf("%s: %s %q %q, want %s: %s %q", c.Addr, c.Action, c.Reason, c.ConfigDigest, want.Addr, want.Action, want.Reason)
		}
		sameValues(t, c, want)
		if t.Failed() {
			break
		}
	}
}

// sameValues checks that the change c, packed or not, has want's
// sensitive paths, planned values and configuration.
func sameValues(t *testing.T, c, want *plans.Change) {
	t.Helper()
	if !cty.NewPathSet(c.Sensitive...).Equal(cty.NewPathSet(want.Sensitive...)) {
		t.Errorf("%s: sensitive %#v, want %#v", c.Addr, c.Sensitive, want.Sensitive)
	}
	before, after, err := c.Values()
	if err != nil {
		t.Fatal(err)
	}
	config, err := c.ConfigValue()
	if err != nil {
		t.Fatal(err)
	}
	if !before.RawEquals(want.Before) || !after.RawEquals(want.After) || !config.RawEquals(want.Config) {
		t.Errorf("%s: planned\n%#v\n%#v\nconfiguration\n%#v, want\n%#v\n%#v\n%#v", c.Addr, before, after, config, want.Before, want.After, want.Config)
	}
}
