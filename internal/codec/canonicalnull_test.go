package codec

import (
	"bytes"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestCanonicalEncoderNulls: the encoder spells a null of its own type,
// of any kind (a map, a list, an object, a primitive; marked or not), as
// AppendCanonical does, and a null of another type too; the null of an
// attribute (a verification's evidence, a null map) within an object as
// well.
func TestCanonicalEncoderNulls(t *testing.T) {
	types := append(fuzzTypes(t), cty.Map(cty.Object(map[string]cty.Type{"file": cty.String, "size": cty.Number})),
		cty.List(cty.String), cty.Set(cty.Bool), cty.Tuple([]cty.Type{cty.String}), cty.EmptyObject, cty.DynamicPseudoType)
	for _, ty := range types {
		e := NewCanonicalEncoder(ty)
		for _, other := range []cty.Type{ty, cty.Map(cty.Number), cty.String} {
			for _, v := range []cty.Value{cty.NullVal(other), cty.NullVal(other).Mark("sensitive")} {
				want, wantErr := AppendCanonical(nil, v)
				got, err := e.Append(nil, v)
				if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
					t.Errorf("%s, null %#v: %q (%v), AppendCanonical %q (%v)", ty.GoString(), v, got, err, want, wantErr)
				}
			}
		}
	}
	ty := cty.Object(map[string]cty.Type{"evidence": cty.Map(cty.String), "id": cty.String})
	obj := cty.ObjectVal(map[string]cty.Value{"evidence": cty.NullVal(cty.Map(cty.String)), "id": cty.StringVal("v-1")})
	want, _ := AppendCanonical(nil, obj)
	if got, err := NewCanonicalEncoder(ty).AppendAttrs(nil, []string{"evidence", "id"}, []cty.Value{obj.GetAttr("evidence"), obj.GetAttr("id")}); err != nil || !bytes.Equal(got, want) {
		t.Errorf("AppendAttrs %q (%v), AppendCanonical %q", got, err, want)
	}
}
