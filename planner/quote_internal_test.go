package planner

import (
	"strconv"
	"testing"
)

// TestAppendQuotedIsAppendQuote: an instance's key is spelled in its
// address as strconv.AppendQuote spells it, whether it takes appendQuoted's
// plain path (printable ASCII, no quote or backslash) or not: every byte
// alone and around a plain key, and keys of other scripts.
func TestAppendQuotedIsAppendQuote(t *testing.T) {
	keys := []string{"", "p0000000", "ani budi", "~!@#$%^&*()_+-=[]{}|;:',.<>/?`", "é", "e\u0301", "日本", "\u2028", "\xff\xfe", "a\x00b"}
	for c := range 256 {
		keys = append(keys, string([]byte{byte(c)}), "ani"+string([]byte{byte(c)})+"budi")
	}
	var plain int
	for _, k := range keys {
		want := strconv.AppendQuote([]byte("x["), k)
		if got := appendQuoted([]byte("x["), k); string(got) != string(want) {
			t.Errorf("%q: %s, want %s", k, got, want)
		}
		if len(want) == len(k)+4 {
			plain++
		}
	}
	if plain < 95 {
		t.Errorf("%d keys quoted as they are, want the printable ASCII's at least", plain)
	}
}
