package plans

import (
	"bytes"
	"testing"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
)

// TestRecordTuplesIsAttrValues: a record's attributes read by
// RecordTuples are the bytes AttrValues writes of the value they decode
// to: plain strings and integers written from their JSON, escaped and
// non-ASCII strings (cty's normalisation), decimals, large numbers,
// booleans, nulls, attributes missing, nested values, spaces; what is not
// an object of the type's attributes, each once, is refused.
func TestRecordTuplesIsAttrValues(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"email": cty.String, "score": cty.Number, "ok": cty.Bool, "tags": cty.List(cty.String),
		"profile": cty.Object(map[string]cty.Type{"city": cty.String}), "evidence": cty.Map(cty.String), "level": cty.String})
	rt, ok := NewRecordTuples(ty)
	if !ok {
		t.Fatal("not read")
	}
	for _, raw := range []string{
		`{"email":"p1@example.id","score":87,"ok":true,"tags":["a","b"],"profile":{"city":"Bandung"},"evidence":{"k":"v"},"level":"A"}`,
		`{"email":null,"score":null,"ok":null,"tags":null,"profile":null,"evidence":null,"level":null}`,
		`{"level":"B","email":"a\"b\\c\u00e9","score":-12.5,"ok":false}`,
		`{"email":"Cafe\u0301 ✓","score":123456789012345678901234567890,"tags":[],"evidence":{}}`,
		`{"email":"x","score":-0,"level":""}`,
		"  {\n \"email\" : \"x\" ,\t\"score\":1e3 , \"ok\" : true }\n",
		`{"score":9223372036854775807,"level":"\u0041"}`,
		`{}`,
	} {
		v, err := codec.DecodeJSON([]byte(raw), ty)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		want, ok := AttrValues(v, ty)
		if !ok {
			t.Fatalf("%s: no attribute values", raw)
		}
		got, ok := rt.Of([]byte(raw))
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: read as %v %x, want %x", raw, ok, got, want)
		}
	}
	for _, raw := range []string{`null`, `[]`, `{"email":"x","other":1}`, `{"email":"x","email":"y"}`, `{"email":"x"`, `{"email":"x"} {}`,
		`{"email" "x"}`, `{"score":"many"}`, `{"email":"x",}`, `{"em\u0061il":"x"}`} {
		if got, ok := rt.Of([]byte(raw)); ok {
			t.Errorf("%s: read as %x", raw, got)
		}
	}
}
