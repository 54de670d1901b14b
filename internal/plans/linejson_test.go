package plans

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

// TestAppendFileChangeIsMarshal: a change's line written field by field
// is json.Marshal's, for changes with every field set or left out, and
// strings Marshal escapes (quotes, control characters, HTML's <, > and &,
// non-ASCII, invalid UTF-8, U+2028); a path step it does not write (an
// index by key) is declined, for Marshal to write.
func TestAppendFileChangeIsMarshal(t *testing.T) {
	strs := []string{"", "usapi_account.person[\"p0000001\"]", "a<b>&c", "tab\there\nnew", "Bandung é ✓", "bad \xff utf8", "line\u2028sep\u2029", `back\slash`, "\x00\x1f\x7f"}
	rng := rand.New(rand.NewSource(1))
	pick := func() string { return strs[rng.Intn(len(strs))] }
	value := func() *fileValue {
		switch rng.Intn(4) {
		case 0:
			return nil
		case 1:
			return &fileValue{Type: rng.Intn(3), Value: nil}
		case 2:
			return &fileValue{Type: rng.Intn(3), Value: []byte{}}
		}
		b := make([]byte, rng.Intn(300))
		rng.Read(b)
		return &fileValue{Type: rng.Intn(1000), Value: b}
	}
	paths := func() [][]any {
		switch rng.Intn(4) {
		case 0:
			return nil
		case 1:
			return [][]any{}
		case 2:
			return [][]any{{"password"}, nil, {"basic_profile", "nik"}}
		}
		return [][]any{{pick(), int64(rng.Intn(5) - 2)}}
	}
	strings := func() []string {
		n := rng.Intn(3)
		if n == 0 && rng.Intn(2) == 0 {
			return nil
		}
		out := make([]string, n)
		for i := range out {
			out[i] = pick()
		}
		return out
	}
	for i := 0; i < 2000; i++ {
		fc := fileChange{Addr: pick(), Provider: pick(), Action: pick(), Before: value(), After: value(), Config: value(),
			AfterIsBefore: rng.Intn(2) == 0, SensitivePaths: paths(), RequiresReplace: paths(), Reason: pick(),
			Spends: rng.Intn(3) - 1, ConfigDigest: pick(), Deps: strings(), DependsOn: strings(), Importing: pick(),
			PrevAddr: pick(), Persist: rng.Intn(2) == 0}
		want, err := json.Marshal(&fc)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendFileChange(nil, &fc)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("%+v:\n%s, %v\nwant\n%s", fc, got, ok, want)
		}
	}
	keyed := fileChange{Addr: "a", SensitivePaths: [][]any{{"tags", map[string]string{"key": "x"}}}}
	if _, ok := appendFileChange(nil, &keyed); ok {
		t.Error("a path with a key step written, not left to Marshal")
	}
	line, err := finishChange(encodedChange{}, keyed, &Change{}, nil)
	if want, _ := json.Marshal(&keyed); err != nil || !bytes.Equal(line.line, append(want, '\n')) {
		t.Errorf("the key step's line %s, %v; want %s", line.line, err, want)
	}
}
