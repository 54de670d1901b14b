package addrs

import (
	"sort"
	"testing"
)

func TestParseInstanceRoundTrip(t *testing.T) {
	tests := map[string]struct {
		in   string
		want Instance
	}{
		"plain":      {"usapi_account.a", Instance{Resource: Resource{Mode: Managed, Type: "usapi_account", Name: "a"}}},
		"string key": {`usapi_account.hire["ani"]`, Instance{Resource{Mode: Managed, Type: "usapi_account", Name: "hire"}, StringKey("ani")}},
		"int key":    {"proofylink_verification.check[3]", Instance{Resource{Mode: Managed, Type: "proofylink_verification", Name: "check"}, IntKey(3)}},
		"data":       {"data.prakerja_profile.me", Instance{Resource: Resource{Mode: Data, Type: "prakerja_profile", Name: "me"}}},
		"quoted dot": {`usapi_account.hire["a.b]"]`, Instance{Resource{Mode: Managed, Type: "usapi_account", Name: "hire"}, StringKey("a.b]")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseInstance(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
			if got.String() != tc.in {
				t.Fatalf("String() = %s, want %s", got.String(), tc.in)
			}
		})
	}
}

func TestParseInstanceErrors(t *testing.T) {
	for _, in := range []string{"", "usapi_account", "usapi_account.", "usapi_account.a[", "usapi_account.a[x]", "usapi_account.a[-1]", "1x.a", `usapi_account.a["x]`} {
		if _, err := ParseInstance(in); err == nil {
			t.Errorf("ParseInstance(%q) succeeded, want an error", in)
		}
	}
}

func TestTargetMatches(t *testing.T) {
	whole, _ := ParseTarget("usapi_account.hire")
	one, _ := ParseTarget(`usapi_account.hire["ani"]`)
	ani, _ := ParseInstance(`usapi_account.hire["ani"]`)
	budi, _ := ParseInstance(`usapi_account.hire["budi"]`)
	other, _ := ParseInstance(`usapi_account.other["ani"]`)
	if !whole.Matches(ani) || !whole.Matches(budi) || whole.Matches(other) {
		t.Error("a whole-resource target must select all and only its instances")
	}
	if !one.Matches(ani) || one.Matches(budi) {
		t.Error("an instance target must select only its instance")
	}
}

func TestInstanceOrder(t *testing.T) {
	in := []string{`a_b.x["b"]`, "a_b.x[10]", "a_b.x[2]", `a_b.x["a"]`, "a_b.w", "data.a_b.x"}
	var got []Instance
	for _, s := range in {
		i, err := ParseInstance(s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, i)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Less(got[j]) })
	want := []string{"a_b.w", "a_b.x[2]", "a_b.x[10]", `a_b.x["a"]`, `a_b.x["b"]`, "data.a_b.x"}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("order %d: got %s, want %s", i, got[i], want[i])
		}
	}
}
