package planner_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
)

// objectlessSrc has what the pre-pass evaluates as attributes (rows of a
// for_each with a nested block, a null, a number converted to a string)
// and what it evaluates as an object (a sensitive variable's marks).
const objectlessSrc = `
variable "secret" {
  type      = string
  default   = "s3cret"
  sensitive = true
}

locals {
  rows = {
    ani  = { email = "ani@example.id", city = "Bandung" }
    budi = { email = null, city = "Medan" }
    cici = { email = "cici@example.id", city = null }
  }
}

resource "fake_account" "row" {
  for_each = local.rows
  name     = each.key
  email    = each.value.email
  tag      = "t-${each.key}"
  profile {
    city = each.value.city
  }
}

resource "fake_account" "marked" {
  for_each = toset(["m1", "m2"])
  name     = each.key
  secret   = var.secret
}

resource "fake_account" "counted" {
  count = 2
  name  = "c${count.index}"
  code  = count.index
}

resource "fake_account" "single" {
  name = "solo"
}
`

// objectlessRecords are the state's records of objectlessSrc's instances,
// without digests.
func objectlessRecords() map[string]string {
	records := map[string]string{}
	for _, addr := range []string{`fake_account.row["ani"]`, `fake_account.row["budi"]`, `fake_account.row["cici"]`,
		`fake_account.marked["m1"]`, `fake_account.marked["m2"]`, "fake_account.counted[0]", "fake_account.counted[1]", "fake_account.single"} {
		name := "solo"
		if i := strings.Index(addr, `["`); i >= 0 {
			name = strings.TrimSuffix(addr[i+2:], `"]`)
		} else if i := strings.Index(addr, "["); i >= 0 {
			name = "c" + strings.TrimSuffix(addr[i+1:], "]")
		}
		records[addr] = account(name, "")
	}
	return records
}

// digestsOf plans src against a state that holds its instances without
// digests (as an older daftar wrote them: the pre-pass fingerprints the
// instances the state holds), with the pre-pass's configurations evaluated
// as attributes or as objects, and returns each instance's configuration
// digest.
func digestsOf(t *testing.T, src string, objectless bool) map[string]string {
	t.Helper()
	defer planner.SetObjectless(objectless)()
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	res := mustPlanWith(t, src, stateOf(t, objectlessRecords()), plans.Options{}, fake)
	out := map[string]string{}
	for _, s := range res.Steps() {
		out[s.Addr()] = res.ConfigDigest(s)
	}
	return out
}

// TestObjectlessDigestIsObjectDigest: a configuration fingerprinted from
// its attributes, without its object, has the digest of its object, so
// that the digests states hold keep matching; each instance's differs.
func TestObjectlessDigestIsObjectDigest(t *testing.T) {
	want := digestsOf(t, objectlessSrc, false)
	got := digestsOf(t, objectlessSrc, true)
	if len(want) != 8 {
		t.Fatalf("%d instances, want 8: %v", len(want), slices.Sorted(maps.Keys(want)))
	}
	seen := map[string]string{}
	for addr, d := range want {
		if d == "" {
			t.Errorf("%s: no digest", addr)
		}
		if other, dup := seen[d]; dup {
			t.Errorf("%s and %s have one digest", addr, other)
		}
		seen[d] = addr
		if got[addr] != d {
			t.Errorf("%s: digest %q from its attributes, %q from its object", addr, got[addr], d)
		}
	}
}

// TestObjectlessNoChangePlan: a state whose digests were computed from the
// configurations' objects plans, from their attributes, every unchanged
// instance as a no-op without the provider, and the reverse; a changed row
// is planned in full; a new instance that repeats an unchanged one's name
// is refused before any request, the check having seen the unchanged one
// from its attributes.
func TestObjectlessNoChangePlan(t *testing.T) {
	for _, from := range []bool{false, true} {
		digests := digestsOf(t, objectlessSrc, from)
		records := objectlessRecords()
		stored := func() *state.State {
			st := stateOf(t, records)
			for addr, d := range digests {
				st.Resources[addr].SetConfigDigest(d)
			}
			return st
		}
		restore := planner.SetObjectless(!from)
		t.Run("unchanged", func(t *testing.T) {
			fake := &validations{Provider: enginetest.NewProvider()}
			fake.Fingerprints = true
			res := mustPlanWith(t, objectlessSrc, stored(), plans.Options{}, fake)
			for _, c := range res.Plan.Changes {
				if c.Action != plans.NoOp {
					t.Errorf("%s: %s, want a no-op", c.Addr, c.Action)
				}
			}
			if calls := fake.CallsTo("PlanResource"); len(calls) > 0 || len(fake.addrs) > 0 {
				t.Errorf("planned %v, validated %v; want neither", calls, fake.addrs)
			}
		})
		t.Run("a row changed", func(t *testing.T) {
			fake := &validations{Provider: enginetest.NewProvider()}
			fake.Fingerprints = true
			src := strings.Replace(objectlessSrc, `city = "Medan"`, `city = "Padang"`, 1)
			res := mustPlanWith(t, src, stored(), plans.Options{}, fake)
			if calls := fake.CallsTo("PlanResource"); !slices.Equal(calls, []string{`fake_account.row["budi"]`}) {
				t.Errorf("PlanResource for %v, want only the changed row", calls)
			}
			for _, c := range res.Plan.Changes {
				if want := plans.NoOp; c.Addr.String() != `fake_account.row["budi"]` && c.Action != want {
					t.Errorf("%s: %s, want a no-op", c.Addr, c.Action)
				}
			}
		})
		t.Run("a new instance repeats an unchanged name", func(t *testing.T) {
			fake := enginetest.NewProvider()
			fake.Fingerprints = true
			_, diags := run(t, objectlessSrc+"resource \"fake_account\" \"late\" { name = \"budi\" }\n", stored(), plans.Options{}, fake)
			if !diags.HasErrors() || !strings.Contains(diags.Error(), "Duplicate account name") || !strings.Contains(diags.Error(), `fake_account.row["budi"]`) {
				t.Errorf("diagnostics %q, want the duplicate name refused, naming the unchanged row", diags.Error())
			}
			if calls := fake.CallsTo("PlanResource"); len(calls) > 0 {
				t.Errorf("PlanResource for %v before the refusal", calls)
			}
		})
		restore()
	}
}

// TestNoChangeDigestsCompared: with daftar's digester, which the pre-pass
// asks for a digest as bytes to compare with the stored one (no string for
// an unchanged instance), an instance whose stored digest is its
// configuration's is a no-op without its provider, keeping the stored
// digest; one whose stored digest differs by its last digit, or whose row
// changed, is planned in full with its own.
func TestNoChangeDigestsCompared(t *testing.T) {
	d := secrets.NewDigester([]byte("0123456789abcdef0123456789abcdef"))
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	first := mustPlanDigested(t, objectlessSrc, stateOf(t, objectlessRecords()), plans.Options{}, fake, d)
	digests := map[string]string{}
	for _, s := range first.Steps() {
		dg := first.ConfigDigest(s)
		if !strings.HasPrefix(dg, secrets.Scheme) || len(dg) != secrets.DigestLength {
			t.Fatalf("%s: digest %q, want one of daftar's digester", s.Addr(), dg)
		}
		digests[s.Addr()] = dg
	}
	if len(digests) != 8 {
		t.Fatalf("%d digests, want 8", len(digests))
	}
	const off, changed = `fake_account.row["ani"]`, `fake_account.row["budi"]`
	for _, tc := range []struct {
		name, src string
		full      []string
	}{
		{"unchanged", objectlessSrc, nil},
		{"a digest off by its last digit", objectlessSrc, []string{off}},
		{"a row changed", strings.Replace(objectlessSrc, `city = "Medan"`, `city = "Padang"`, 1), []string{changed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := stateOf(t, objectlessRecords())
			for addr, dg := range digests {
				if slices.Contains(tc.full, off) && addr == off {
					last := dg[len(dg)-1]
					dg = dg[:len(dg)-1] + map[bool]string{true: "1", false: "0"}[last == '0']
				}
				st.Resources[addr].SetConfigDigest(dg)
			}
			fake := enginetest.NewProvider()
			fake.Fingerprints = true
			res := mustPlanDigested(t, tc.src, st, plans.Options{}, fake, d)
			if calls := fake.CallsTo("PlanResource"); !slices.Equal(calls, tc.full) {
				t.Errorf("PlanResource for %v, want %v", calls, tc.full)
			}
			for _, s := range res.Steps() {
				got := res.ConfigDigest(s)
				if slices.Contains(tc.full, s.Addr()) {
					if s.Addr() == changed && got == digests[s.Addr()] {
						t.Errorf("%s: the digest of the row before it changed", s.Addr())
					}
					if s.Addr() == off && got != digests[s.Addr()] {
						t.Errorf("%s: digest %q, want its configuration's %q", s.Addr(), got, digests[s.Addr()])
					}
					continue
				}
				if got != digests[s.Addr()] {
					t.Errorf("%s: digest %q, want the stored %q", s.Addr(), got, digests[s.Addr()])
				}
			}
		})
	}
}
