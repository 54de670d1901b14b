package planner

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
)

// TestAppendInstanceAddrIsString checks the address a batch's steps spell
// (Step.Addr, and the fingerprint's, from appendInstanceAddr) against
// addrs.Instance.String for every kind of key and resource, and random
// keys with quotes, escapes and non-ASCII text: a different spelling
// would change every stored digest and every check's address.
func TestAppendInstanceAddrIsString(t *testing.T) {
	res := []addrs.Resource{
		{Mode: addrs.Managed, Type: "usapi_account", Name: "person"},
		{Mode: addrs.Data, Type: "usapi_account", Name: "lookup"},
		{Mode: addrs.Managed, Type: "fake_account", Name: "p", Module: "module.team"},
	}
	keys := []addrs.Key{addrs.NoKey, addrs.IntKey(0), addrs.IntKey(12345), addrs.StringKey(""), addrs.StringKey("ani"),
		addrs.StringKey(`a"b\c`), addrs.StringKey("tab\there\nline"), addrs.StringKey("Ánì ☃ \u200b"), addrs.StringKey("\xff\xfe")}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcXYZ09_-.\"\\ \t\n\x00é☃𝄞\u2028")
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		keys = append(keys, addrs.StringKey(b.String()))
	}
	for _, r := range res {
		for _, k := range keys {
			a := r.Instance(k)
			want := a.String()
			if got := string(appendInstanceAddr([]byte("prefix"), a)); got != "prefix"+want {
				t.Fatalf("appendInstanceAddr(%#v) = %q, want %q", a, got, "prefix"+want)
			}
			st := &Step{Change: &plans.Change{Addr: a}}
			if got := st.Addr(); got != want {
				t.Fatalf("Step.Addr of %#v = %q, want %q", a, got, want)
			}
		}
	}
}

// TestStoredAllCurrent checks the shortcut forgetOrphans takes: it may
// answer true only when every stored instance has a planned step.
func TestStoredAllCurrent(t *testing.T) {
	r := addrs.Resource{Mode: addrs.Managed, Type: "fake_account", Name: "p"}
	recs := map[string]*state.Resource{"a": {}, "b": {}, "c": {}}
	stored := &instRecords{}
	for k, rec := range recs {
		stored.set(addrs.StringKey(k), rec)
	}
	step := func(k string, rec *state.Resource) *Step {
		return &Step{Stored: rec, Change: &plans.Change{Addr: r.Instance(addrs.StringKey(k))}}
	}
	cases := []struct {
		name  string
		steps []*Step
		want  bool
	}{
		{"every row", []*Step{step("a", recs["a"]), step("b", recs["b"]), step("c", recs["c"])}, true},
		{"every row and a new one", []*Step{step("a", recs["a"]), step("b", recs["b"]), step("c", recs["c"]), step("d", nil)}, true},
		{"a row removed, a row added", []*Step{step("a", recs["a"]), step("b", recs["b"]), step("d", nil)}, false},
		{"a row removed", []*Step{step("a", recs["a"]), step("b", recs["b"])}, false},
		{"a step holding another record", []*Step{step("a", recs["a"]), step("b", recs["b"]), step("c", &state.Resource{})}, false},
		{"a step of another key holding a record", []*Step{step("a", recs["a"]), step("b", recs["b"]), step("e", recs["c"])}, false},
		{"none", nil, false},
	}
	for _, c := range cases {
		if got := storedAllCurrent(c.steps, stored, nil, nil); got != c.want {
			t.Errorf("%s: storedAllCurrent = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestInstanceOfSharesKey checks that a record's instance read with its
// key shared from its address is the one its index key spells, whatever
// the address says: the index key is what the state means.
func TestInstanceOfSharesKey(t *testing.T) {
	cases := []struct{ address, indexKey string }{
		{`usapi_account.person["ani"]`, `"ani"`},
		{`usapi_account.person["ani"]`, ` "ani" `},
		{`usapi_account.person[""]`, `""`},
		{`usapi_account.person["budi"]`, `"ani"`},       // an address that disagrees
		{`usapi_account.person["xani"]`, `"ani"`},       // ends with the key, not as the index
		{`usapi_account.person[ani"]`, `"ani"`},         // no opening quote
		{`usapi_account.person["ani"`, `"ani"`},         // no closing bracket
		{`["ani"]`, `"ani"`},                            // nothing before the index
		{`usapi_account.person["a\"b"]`, `"a\"b"`},      // an escape: parsed
		{`usapi_account.person["José"]`, `"Jos\u00e9"`}, // parsed
		{`usapi_account.person["José"]`, `"José"`},      // not ASCII: parsed
		{`usapi_account.person[3]`, `3`},
		{`usapi_account.person`, ``},
		{`usapi_account.person`, `null`},
	}
	for _, c := range cases {
		rec := (&state.Resource{Address: c.address}).WithKind(state.Kind{Type: "usapi_account", Name: "person"}).WithIndexKey([]byte(c.indexKey))
		got, err := instanceOf(rec)
		want, werr := parseIndexKey(rec.IndexKey())
		if err != nil || werr != nil || got.Key != want {
			t.Errorf("%s, %s: key %#v (%v), want %#v (%v)", c.address, c.indexKey, got.Key, err, want, werr)
		}
	}
}
