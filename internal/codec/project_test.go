package codec

import (
	"slices"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// projectWhole is what DecodeJSONProjected must give: DecodeJSON's
// value, narrowed as the planner narrows a record to what its dependents
// read (an object of the kept attributes ty has; anything else whole).
func projectWhole(v cty.Value, keep map[string]bool) cty.Value {
	if !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() {
		return v
	}
	attrs := map[string]cty.Value{}
	for a := range keep {
		if v.Type().HasAttribute(a) {
			attrs[a] = v.GetAttr(a)
		}
	}
	return cty.ObjectVal(attrs)
}

// keepOf picks, by the bits of mask, among ty's attributes (sorted) and a
// name ty does not have.
func keepOf(ty cty.Type, mask uint16) map[string]bool {
	var names []string
	if ty.IsObjectType() {
		for name := range ty.AttributeTypes() {
			names = append(names, name)
		}
		slices.Sort(names)
	}
	names = append(names, "not_an_attribute")
	keep := map[string]bool{}
	for i, name := range names {
		if mask>>(i%16)&1 == 1 {
			keep[name] = true
		}
	}
	return keep
}

// FuzzDecodeJSONProjected checks that DecodeJSONProjected fails exactly
// when DecodeJSON fails, and otherwise gives DecodeJSON's value narrowed
// to the kept attributes: the same values, types and nulls. The seeds are
// the real records of testdata and cases of each way a skipped attribute
// can be refused (a number that is not one, a bool that is not one, an
// attribute the type lacks, a bad escape or a cut-off document).
func FuzzDecodeJSONProjected(f *testing.F) {
	idx, attrs := attributeSeeds(f)
	for i := range idx {
		for _, mask := range []uint16{0, 1, 0x5555, 0xffff} {
			f.Add(idx[i], mask, attrs[i])
		}
	}
	for _, doc := range []string{
		`{"username":"ani","score":87.5,"confirmed":true,"tags":["a"],"groups":["x","x"],"labels":{"k":1},"pair":["p",1],"extra":{"value":"v","type":"string"}}`,
		`{"username":"ani","score":"87.5","confirmed":"1"}`,
		`{"username":"ani","score":"many"}`,
		`{"username":"ani","confirmed":"yes"}`,
		`{"username":"ani","confirmed":2}`,
		`{"username":"ani","nothing":1}`,
		`{"username":"a\q"}`,
		`{"username":"a\u00e9\n","score":1e5}`,
		`{"username":"ani","tags":["a",1,true,null]}`,
		`{"username":"ani","labels":{"k":"x"}}`,
		`{"username":"ani","score":1}x`,
		`{"username":"ani","score":-}`,
		`{"username":"ani"`,
		`null`,
		` null `,
		`"ani"`,
		`{}`,
		`{"username":1,"username":"twice"}`,
	} {
		for _, mask := range []uint16{0, 1, 2, 0x5555, 0xaaaa, 0xffff} {
			f.Add(uint8(2), mask, []byte(doc))
		}
	}
	types := fuzzTypes(f)
	f.Fuzz(func(t *testing.T, ti uint8, mask uint16, data []byte) {
		ty := types[int(ti)%len(types)]
		keep := keepOf(ty, mask)
		whole, wholeErr := DecodeJSON(data, ty)
		got, err := DecodeJSONProjected(data, ty, keep)
		switch {
		case (err == nil) != (wholeErr == nil):
			t.Fatalf("DecodeJSONProjected error %v, DecodeJSON error %v:\n%q as %s, keeping %v", err, wholeErr, data, ty.GoString(), keep)
		case err != nil:
		case !got.RawEquals(projectWhole(whole, keep)):
			t.Fatalf("DecodeJSONProjected %#v, DecodeJSON narrowed %#v:\n%q as %s, keeping %v", got, projectWhole(whole, keep), data, ty.GoString(), keep)
		}
		if ty.IsObjectType() {
			checkProjectedEach(t, data, ty, keep, got, err)
		}
	})
}

// checkProjectedEach checks that DecodeJSONProjectedEach fails where
// DecodeJSONProjected failed (err), and otherwise gives, attribute by
// attribute, the values of its object (want), or reports that there is
// none when want is null.
func checkProjectedEach(t *testing.T, data []byte, ty cty.Type, keep map[string]bool, want cty.Value, wantErr error) {
	t.Helper()
	var names []string
	for name := range keep {
		if ty.HasAttribute(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	vals := make([]cty.Value, len(names))
	object, err := DecodeJSONProjectedEach(data, ty, names, func(j int, v cty.Value) { vals[j] = v })
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("DecodeJSONProjectedEach error %v, DecodeJSONProjected error %v:\n%q as %s, keeping %v", err, wantErr, data, ty.GoString(), keep)
	case err != nil:
	case object != !want.IsNull():
		t.Fatalf("DecodeJSONProjectedEach object %v, DecodeJSONProjected %#v:\n%q", object, want, data)
	case object:
		for j, name := range names {
			if !vals[j].RawEquals(want.GetAttr(name)) {
				t.Fatalf("DecodeJSONProjectedEach %s = %#v, DecodeJSONProjected's %#v:\n%q", name, vals[j], want.GetAttr(name), data)
			}
		}
	}
}

// TestDecodeJSONProjectedSkipsWhatItChecks: a record whose skipped
// attributes are valid is narrowed to the kept ones, a kept attribute
// the record lacks is null, and a record refused for a skipped attribute
// alone is refused.
func TestDecodeJSONProjectedSkipsWhatItChecks(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"email": cty.String, "score": cty.Number, "tags": cty.List(cty.String), "note": cty.String})
	keep := map[string]bool{"email": true, "note": true}
	got, err := DecodeJSONProjected([]byte(`{"email":"ani@example.id","score":1.5,"tags":["a","b"]}`), ty, keep)
	want := cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("ani@example.id"), "note": cty.NullVal(cty.String)})
	if err != nil || !got.RawEquals(want) {
		t.Errorf("got %#v (%v), want %#v", got, err, want)
	}
	checkProjectedEach(t, []byte(`{"email":"ani@example.id","score":1.5,"tags":["a","b"]}`), ty, keep, got, err)
	for _, doc := range []string{`{"email":"a","score":"x"}`, `{"email":"a","tags":"x"}`, `{"email":"a","other":1}`, `{"email":"a","tags":[1,{}]}`} {
		if _, err := DecodeJSONProjected([]byte(doc), ty, keep); err == nil {
			t.Errorf("%s: accepted", doc)
		}
		if _, err := DecodeJSONProjectedEach([]byte(doc), ty, []string{"email", "note"}, func(int, cty.Value) {}); err == nil {
			t.Errorf("%s: accepted by DecodeJSONProjectedEach", doc)
		}
	}
}
