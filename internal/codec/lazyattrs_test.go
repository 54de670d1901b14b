package codec

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// TestPlainAttrsDecodedAsCty: attribute values read straight from their
// bytes (decodePlainAttrs) are cty's decoder's values, for random objects
// of strings (long, non-ASCII, not in NFC), bools, small and large numbers,
// nulls, unknowns with and without refinements and nested objects; the
// fast path reads every object of plain values, declines what it does not
// read (a refinement, a large number, a nested object's value, bytes left
// over, a value cut short), and then cty's decoder gives the answer.
func TestPlainAttrsDecodedAsCty(t *testing.T) {
	rng := rand.New(rand.NewSource(20))
	profile := cty.Object(map[string]cty.Type{"city": cty.String, "age": cty.Number})
	strs := []string{"", "ani", "e\u0301", strings.Repeat("é", 40), strings.Repeat("x", 300), strings.Repeat("y", 70000), "Nama Keluarga"}
	value := func(aty cty.Type) (cty.Value, bool) { // and whether it is plain
		switch rng.Intn(8) {
		case 0:
			return cty.NullVal(aty), true
		case 1:
			return cty.UnknownVal(aty), true
		case 2:
			if aty == cty.String {
				return cty.UnknownVal(aty).RefineNotNull(), false
			}
		}
		switch aty {
		case cty.String:
			return cty.StringVal(strs[rng.Intn(len(strs))]), true
		case cty.Bool:
			return cty.BoolVal(rng.Intn(2) == 0), true
		case cty.Number:
			if rng.Intn(2) == 0 {
				return cty.NumberIntVal(int64(rng.Intn(160) - 32)), true
			}
			n := []cty.Value{cty.NumberIntVal(300), cty.NumberIntVal(-40000), cty.NumberFloatVal(2.5), cty.NumberIntVal(1 << 40)}[rng.Intn(4)]
			return n, false
		}
		return cty.ObjectVal(map[string]cty.Value{"city": cty.StringVal("Medan"), "age": cty.NumberIntVal(30)}), false
	}
	plainSeen, declined := 0, 0
	for i := range 3000 {
		atys := map[string]cty.Type{}
		vals := map[string]cty.Value{}
		plain := true
		for j := range 1 + rng.Intn(20) {
			aty := []cty.Type{cty.String, cty.Bool, cty.Number, profile}[rng.Intn(4)]
			name := fmt.Sprintf("a%02d", j)
			v, p := value(aty)
			atys[name], vals[name] = aty, v
			plain = plain && p
		}
		ty := cty.Object(atys)
		obj := cty.ObjectVal(vals)
		names := AttrNames(ty)
		tuple := make([]cty.Value, len(names))
		for k, name := range names {
			tuple[k] = vals[name]
		}
		data, err := ctymsgpack.Marshal(cty.TupleVal(tuple), AttrsTuple(ty))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := decodePlainAttrs(data, ty)
		if ok != plain {
			t.Fatalf("case %d: read straight %v, want %v, for %#v", i, ok, plain, obj)
		}
		if ok {
			plainSeen++
			if !got.RawEquals(obj) {
				t.Fatalf("case %d: read %#v, want %#v", i, got, obj)
			}
		} else {
			declined++
		}
		if v, err := decodeMsgpackAttrs(data, ty); err != nil || !v.RawEquals(obj) {
			t.Fatalf("case %d: decoded %#v, %v, want %#v", i, v, err, obj)
		}
		// Bytes left over, or a value cut short, are left to cty's decoder.
		if _, ok := decodePlainAttrs(append(data[:len(data):len(data)], 0xc0), ty); ok {
			t.Fatalf("case %d: read with a byte left over", i)
		}
		if _, ok := decodePlainAttrs(data[:len(data)-1], ty); ok {
			t.Fatalf("case %d: read cut short", i)
		}
		if _, err := decodeMsgpackAttrs(data[:len(data)-1], ty); err == nil {
			t.Fatalf("case %d: a value cut short decoded", i)
		}
	}
	if plainSeen < 100 || declined < 100 {
		t.Errorf("%d objects read straight and %d declined: the cases do not cover both", plainSeen, declined)
	}
}
