package planner_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
)

// TestPredictedBatchReadsEachOwnRecord: the pre-pass reads the accounts'
// records a batch at a time, in order, and decodes them on every core; each
// verification must still read its own account's recorded e-mail, in the
// first batch, in a full one and in the last, partial one. With the records
// as applied nothing changes and no verification is validated again; with
// an e-mail changed in the state (the account itself unchanged since
// apply: its configuration is), that account's verification is planned
// with the recorded e-mail, and only it; with a row's e-mail changed in the
// configuration, that account is updated and its verification planned
// with the new e-mail.
func TestPredictedBatchReadsEachOwnRecord(t *testing.T) {
	const n = 2500 // two full batches of the pre-pass's reads and a part
	src := fmt.Sprintf(`
locals {
  people = { for i in concat(range(0, 1000), range(1000, 2000), range(2000, %d)) : format("p%%05d", i) => format("p%%05d@example.id", i) }
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = each.value
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = "${fake_account.a[each.key].email}/${fake_account.a[each.key].id}"
}
output "registered" { value = length(fake_account.a) }
output "verified" { value = length(fake_verification.v) }
`, n)
	records := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("p%05d", i)
		email := name + "@example.id"
		records[`fake_account.a["`+name+`"]`] = account(name, `"email":"`+email+`"`)
		records[`fake_verification.v["`+name+`"]`] = `{"id":"v-` + name + `","status":"completed","subject":"` + email + `/id-` + name + `"}`
	}
	st := stateOf(t, records)
	fake := &validationCounter{Provider: enginetest.NewProvider(), validated: map[string]int{}}
	fake.Fingerprints, fake.SettledAccounts = true, true
	opts := plans.Options{Refresh: true}
	res := planOK(t, src, st, opts, fake)
	if res.Plan.HasChanges() {
		t.Fatalf("the records as applied: changes %v", actions(res.Plan))
	}
	for _, s := range res.Steps() {
		rec := st.Resources[s.Addr()]
		rec.SetConfigDigest(res.ConfigDigest(s))
		rec.Settled = true // no refresh reads them
	}
	verificationsValidated := func() int {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		count := 0
		for a, c := range fake.validated {
			if strings.HasPrefix(a, "fake_verification.") {
				count += c
			}
		}
		fake.validated = map[string]int{}
		return count
	}
	verificationsValidated()

	res = planOK(t, src, st, opts, fake)
	if res.Plan.HasChanges() {
		t.Errorf("changes: %v", actions(res.Plan))
	}
	if got := verificationsValidated(); got != 0 {
		t.Errorf("%d verifications validated again, want none: their accounts were predicted", got)
	}

	changed := map[string]bool{"p00000": true, "p01500": true, "p02048": true, "p02499": true}
	for name := range changed {
		rec := st.Resources[`fake_account.a["`+name+`"]`]
		attrs, err := rec.Attributes()
		if err != nil {
			t.Fatal(err)
		}
		rec.SetAttributes([]byte(strings.Replace(string(attrs), name+"@example.id", name+"@moved.example.id", 1)))
	}
	res = planOK(t, src, st, opts, fake)
	seen := 0
	for _, c := range res.Plan.Changes {
		if c.Addr.Resource.Type != "fake_verification" {
			if c.Action != plans.NoOp {
				t.Errorf("%s: %s, want no-op (its configuration is unchanged)", c.Addr, c.Action)
			}
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(c.Addr.String(), `fake_verification.v["`), `"]`)
		if !changed[name] {
			if c.Action != plans.NoOp {
				t.Errorf("%s: %s, want no-op", c.Addr, c.Action)
			}
			continue
		}
		seen++
		want := name + "@moved.example.id/id-" + name
		if c.Action == plans.NoOp || !c.After.IsKnown() || c.After.GetAttr("subject").AsString() != want {
			t.Errorf("%s: %s to %#v, want a change to subject %q", c.Addr, c.Action, c.After, want)
		}
	}
	if seen != len(changed) {
		t.Errorf("%d of the %d verifications whose account's e-mail changed planned", seen, len(changed))
	}

	// A row changed in the configuration instead (the records as
	// applied): that account is planned an update, and its verification
	// reads the e-mail planned.
	for name := range changed {
		rec := st.Resources[`fake_account.a["`+name+`"]`]
		rec.SetAttributes([]byte(account(name, `"email":"`+name+`@example.id"`)))
	}
	edited := strings.Replace(src, `format("p%05d@example.id", i) }`, `i == 1700 ? "p01700@new.example.id" : format("p%05d@example.id", i) }`, 1)
	if edited == src {
		t.Fatal("the configuration was not edited")
	}
	res = planOK(t, edited, st, opts, fake)
	edits := 0
	for _, c := range res.Plan.Changes {
		name := c.Addr.Key.String()
		if name == `["p01700"]` {
			edits++
		}
		switch {
		case name == `["p01700"]` && c.Addr.Resource.Type == "fake_account":
			if c.Action != plans.Update || c.After.GetAttr("email").AsString() != "p01700@new.example.id" {
				t.Errorf("%s: %s to %#v, want an update of its e-mail", c.Addr, c.Action, c.After)
			}
		case name == `["p01700"]`:
			want := "p01700@new.example.id/id-p01700"
			if c.Action == plans.NoOp || !c.After.IsKnown() || c.After.GetAttr("subject").AsString() != want {
				t.Errorf("%s: %s to %#v, want a change to subject %q", c.Addr, c.Action, c.After, want)
			}
		case c.Action != plans.NoOp:
			t.Errorf("%s: %s, want no-op", c.Addr, c.Action)
		}
	}
	if edits != 2 {
		t.Errorf("%d changes for p01700, want its account's and its verification's", edits)
	}
}
