package command

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

func TestCheckDigestKey(t *testing.T) {
	t.Setenv("DAFTAR_DIGEST_KEY", strings.Repeat("ab", 32))
	withResource := func(id string) *state.State {
		s := state.New()
		s.DigestKeyID = id
		s.Resources["a.b"] = &state.Resource{Address: "a.b"}
		return s
	}
	cases := []struct {
		name   string
		st     *state.State
		accept bool
		refuse bool
	}{
		{"same key", withResource("k1"), false, false},
		{"no fingerprint yet", withResource(""), false, false},
		{"empty state", state.New(), false, false},
		{"other key", withResource("k2"), false, true},
		{"other key accepted", withResource("k2"), true, false},
	}
	for _, c := range cases {
		err := checkDigestKey(c.st, "k1", "/w", nil, c.accept)
		if (err != nil) != c.refuse {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
	err := checkDigestKey(withResource("k2"), "k1", "/w", nil, false)
	for _, want := range []string{"differs from the one this state was written with", "DAFTAR_DIGEST_KEY", ".daftar/digest.key", "-accept-new-digest-key", "token"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q: %s", want, err)
		}
	}
}
