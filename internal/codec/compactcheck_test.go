package codec

import (
	"strings"
	"testing"
)

// compactSeeds are values written compact, with whitespace, and broken in
// each way compactValue refuses.
var compactSeeds = []string{
	`{"a":1,"b":[true,false,null],"c":{"d":"e\"f\\g\/h\b\f\n\r\t\u00e9"},"n":-0.5e+10}`,
	`{"basic_profile":null,"email":"p0000000@example.id","email_registered":true,"first_name":"Nama0"}`,
	`{}`, `[]`, `""`, `0`, `-1`, `1.25`, `1e5`, `1E-5`, `true`, `false`, `null`, `"é😀"`, "\"\xff\"",
	`{ "a":1}`, `{"a" :1}`, `{"a": 1}`, `{"a":1 }`, `[1 ,2]`, `[1, 2]`, "{\"a\":\n1}",
	`{"a":1,}`, `[1,]`, `{"a"}`, `{a:1}`, `{"a":01}`, `-`, `1.`, `1e`, `.5`, `+1`, `tru`, `nul`, `"a`, `"\q"`,
	`"\u12g4"`, "\"a\x01b\"", `{"a":1}x`, `[`, `{`, `{"a":`, `["a"`, `"\`, `"\u12"`, `{"a":[1,{"b":[]}]}`,
	strings.Repeat("[", maxCompactDepth+1) + strings.Repeat("]", maxCompactDepth+1),
	strings.Repeat("[", maxCompactDepth+2) + strings.Repeat("]", maxCompactDepth+2),
}

// checkSkipCompact checks skipCompact against compactValue's dry check
// (what compactIn decided from before): skipCompact accepts a value
// exactly when the dry check finds it valid and compact, and ends where
// it does.
func checkSkipCompact(t *testing.T, data []byte) {
	t.Helper()
	q := reader{data: data, dry: true}
	_, valid := q.compactValue(nil, 0)
	compact := valid && q.n == q.i
	end, ok := skipCompact(data, 0, 0)
	if ok != compact || ok && end != q.i {
		t.Fatalf("%q: skipCompact %d, %v; compactValue valid %v, compact %v, ending at %d", data, end, ok, valid, compact, q.i)
	}
}

// TestSkipCompactIsCompactValuesCheck: the check a state's load makes of
// each record's attributes (skipCompact) accepts what compactValue finds
// valid and compact, no more and no less, for values written compact,
// with whitespace, broken in every way the grammar refuses, and nested to
// the limit and past it, each one also cut short at every byte. It fails
// if the load would take a broken or spaced value for one it can keep in
// place, or refuse one it could.
func TestSkipCompactIsCompactValuesCheck(t *testing.T) {
	for _, s := range compactSeeds {
		for n := 0; n <= len(s); n++ {
			checkSkipCompact(t, []byte(s[:n]))
		}
	}
}

func FuzzSkipCompact(f *testing.F) {
	for _, s := range compactSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSkipCompact(t, data) })
}
