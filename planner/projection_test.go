package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// TestWholeResourceReferences: what expressions over a batch give does
// not depend on how much of it they read; a batch whose references read
// its keys only (length, keys) keeps its unchanged instances undecoded, as
// a batch nothing refers to does, and any other reference decodes them.
func TestWholeResourceReferences(t *testing.T) {
	const batch = `
locals {
  people = { ani = "ani@x.id", budi = "budi@x.id", citra = "citra@x.id" }
}
resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value
  secret   = "s-${each.key}"
}
`
	records := map[string]string{}
	for _, n := range []string{"ani", "budi", "citra"} {
		records[`fake_account.p["`+n+`"]`] = strings.Replace(account(n, `"email":"`+n+`@x.id"`), `"secret":null`, `"secret":"s-`+n+`"`, 1)
	}
	emails := cty.ObjectVal(map[string]cty.Value{
		"ani": cty.StringVal("ani@x.id"), "budi": cty.StringVal("budi@x.id"), "citra": cty.StringVal("citra@x.id"),
	})
	tests := map[string]struct {
		src       string
		want      cty.Value
		sensitive bool
		// deferred: the accounts' values are left encoded in the plan:
		// their records undecoded (keys read only), or decoded for the
		// attributes read and not kept (some attributes read).
		deferred bool
	}{
		"length": {src: `output "o" { value = length(fake_account.p) }`, want: cty.NumberIntVal(3), deferred: true},
		"keys":   {src: `output "o" { value = keys(fake_account.p) }`, want: cty.TupleVal([]cty.Value{cty.StringVal("ani"), cty.StringVal("budi"), cty.StringVal("citra")}), deferred: true},
		"length through a local": {
			src:  `locals { n = length(fake_account.p) }` + "\n" + `output "o" { value = local.n + 1 }`,
			want: cty.NumberIntVal(4), deferred: true,
		},
		"depends_on and length": {
			src:  "output \"o\" {\n  value      = length(fake_account.p) + 0\n  depends_on = [fake_account.p]\n}",
			want: cty.NumberIntVal(3), deferred: true,
		},
		"for over an attribute": {
			src:  `output "o" { value = { for k, v in fake_account.p : k => v.email } }`,
			want: emails, deferred: true,
		},
		"for with a condition": {
			src:  `output "o" { value = [for k, v in fake_account.p : v.name if v.email == "budi@x.id"] }`,
			want: cty.TupleVal([]cty.Value{cty.StringVal("budi")}), deferred: true,
		},
		"for over a sensitive attribute": {
			src:  "output \"o\" {\n  value     = { for k, v in fake_account.p : k => v.secret }\n  sensitive = true\n}",
			want: cty.ObjectVal(map[string]cty.Value{"ani": cty.StringVal("s-ani"), "budi": cty.StringVal("s-budi"), "citra": cty.StringVal("s-citra")}), sensitive: true, deferred: true,
		},
		"one instance's attribute": {src: `output "o" { value = fake_account.p["budi"].email }`, want: cty.StringVal("budi@x.id"), deferred: true},
		"an instance whole": {
			src:  `output "o" { value = fake_account.p["budi"].id }` + "\noutput \"p\" {\n  value     = fake_account.p[\"citra\"]\n  sensitive = true\n}",
			want: cty.StringVal("id-budi"),
		},
		"values, not recognised": {
			src:  "output \"o\" {\n  value     = [for a in values(fake_account.p) : a.name]\n  sensitive = true\n}",
			want: cty.TupleVal([]cty.Value{cty.StringVal("ani"), cty.StringVal("budi"), cty.StringVal("citra")}), sensitive: true,
		},
		"for using the value whole": {
			src:  `output "o" { value = length([for k, v in fake_account.p : v if k != "ani"]) }`,
			want: cty.NumberIntVal(2),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src := batch + tc.src
			st := digestedState(t, src, records)
			for _, rec := range st.Resources {
				rec.Settled = true
			}
			fake := enginetest.NewProvider()
			fake.Fingerprints, fake.SettledAccounts = true, true
			res := mustPlanWith(t, src, st, plans.Options{Refresh: true}, fake)
			if res.Plan.HasChanges() {
				t.Fatalf("plan has changes:\n%s", actions(res.Plan))
			}
			for _, c := range res.Plan.Changes {
				if c.Deferred() != tc.deferred {
					t.Errorf("%s: deferred %v, want %v", c.Addr, c.Deferred(), tc.deferred)
				}
			}
			if err := res.Plan.Read(); err != nil {
				t.Fatal(err)
			}
			ty := fake.Schema().Resources["fake_account"].ImpliedType()
			for _, c := range res.Plan.Changes {
				want, err := ctyjson.Unmarshal([]byte(records[c.Addr.String()]), ty)
				if err != nil {
					t.Fatal(err)
				}
				if !c.Before.RawEquals(want) || !c.After.RawEquals(want) {
					t.Errorf("%s: before %#v, after %#v; want the stored value", c.Addr, c.Before, c.After)
				}
			}
			var got cty.Value
			for _, o := range res.Plan.Outputs {
				if o.Name == "o" {
					got = o.Value
				}
			}
			if got == cty.NilVal {
				t.Fatal("no output o")
			}
			got, _ = got.UnmarkDeep()
			if !got.RawEquals(tc.want) {
				t.Errorf("output o = %#v, want %#v", got, tc.want)
			}
			if !tc.sensitive {
				return
			}
			// Without sensitive = true the output is refused: the values
			// read keep their marks.
			plain := strings.Replace(src, "sensitive = true", "", 1)
			if _, diags := run(t, plain, st, plans.Options{Refresh: true}, fake); !strings.Contains(diags.Error(), "Output refers to sensitive values") {
				t.Errorf("plan without sensitive = true: %v; want the output refused", diags)
			}
		})
	}
}

// TestKeyedAttributeReference: a resource reading one attribute of its
// instance of a batch (usapi_account.p[each.key].email) gets that value,
// at plan and once the batch changes.
func TestKeyedAttributeReference(t *testing.T) {
	const src = `
locals {
  people = { ani = "ani@x.id", budi = "budi@x.id" }
}
resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value
}
resource "fake_account" "v" {
  for_each = local.people
  name     = "v-${each.key}"
  email    = fake_account.p[each.key].email
  tag      = length(fake_account.p)
}
`
	records := map[string]string{
		`fake_account.p["ani"]`:  account("ani", `"email":"ani@x.id"`),
		`fake_account.p["budi"]`: account("budi", `"email":"old@x.id"`),
		`fake_account.v["ani"]`:  account("v-ani", `"email":"ani@x.id"`),
	}
	fake := enginetest.NewProvider()
	res := mustPlanWith(t, src, stateOf(t, records), plans.Options{Refresh: true}, fake)
	want := "fake_account.p[\"ani\"] no-op\nfake_account.p[\"budi\"] update\nfake_account.v[\"ani\"] update\nfake_account.v[\"budi\"] create"
	if got := actions(res.Plan); got != want {
		t.Fatalf("plan:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range res.Plan.Changes {
		if c.Addr.Resource.Name != "v" {
			continue
		}
		if tag := c.After.GetAttr("tag"); !tag.RawEquals(cty.StringVal("2")) {
			t.Errorf("%s tag = %#v, want \"2\"", c.Addr, tag)
		}
		email := c.After.GetAttr("email")
		if c.Addr.Key.String() == `["ani"]` && !email.RawEquals(cty.StringVal("ani@x.id")) {
			t.Errorf("%s email = %#v, want the account's", c.Addr, email)
		}
		if c.Addr.Key.String() == `["budi"]` && !email.RawEquals(cty.StringVal("budi@x.id")) {
			t.Errorf("%s email = %#v, want the account's planned e-mail", c.Addr, email)
		}
	}
}
