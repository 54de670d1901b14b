package plans

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// TestAppendMsgpackIsCtys: where appendMsgpack encodes a value, it gives
// cty's bytes for the redacted, unmarked value; it declines the shapes it
// was not written for.
func TestAppendMsgpackIsCtys(t *testing.T) {
	str := func(n int) cty.Value { return cty.StringVal(strings.Repeat("é", n/2) + strings.Repeat("a", n%2)) }
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	account := obj(map[string]cty.Value{
		"username": cty.StringVal("ani"), "password": cty.StringVal("hmac-sha256:00").Mark("sensitive"),
		"id": cty.UnknownVal(cty.String), "age": cty.NumberIntVal(31), "active": cty.True,
		"note": cty.NullVal(cty.String), "profile": obj(map[string]cty.Value{"nik": cty.StringVal("3171"), "city": cty.StringVal("Bandung")}),
	})
	pw, nik := cty.GetAttrPath("password"), cty.GetAttrPath("profile").GetAttr("nik")
	tests := map[string]struct {
		v      cty.Value
		sens   []cty.Path
		wantOK bool
	}{
		"an account":                {account, []cty.Path{pw}, true},
		"nested sensitive":          {account, []cty.Path{pw, nik}, true},
		"a whole object sensitive":  {account, []cty.Path{cty.GetAttrPath("profile")}, true},
		"sensitive null":            {account, []cty.Path{cty.GetAttrPath("note")}, true},
		"sensitive path missing":    {account, []cty.Path{cty.GetAttrPath("nothing")}, true},
		"marked, no sensitive path": {account, nil, true},
		"null object":               {cty.NullVal(account.Type()), []cty.Path{pw}, true},
		"unknown object":            {cty.UnknownVal(account.Type()), []cty.Path{pw}, true},
		"empty object":              {cty.EmptyObjectVal, nil, true},
		"refined unknown string":    {cty.UnknownVal(cty.String).RefineNotNull(), nil, false},
		"prefixed unknown":          {cty.UnknownVal(cty.String).Refine().StringPrefix("ab").NewValue(), nil, false},
		"bounded unknown number":    {cty.UnknownVal(cty.Number).Refine().NumberRangeLowerBound(cty.NumberIntVal(1), true).NewValue(), nil, false},
		"a list":                    {obj(map[string]cty.Value{"tags": cty.ListVal([]cty.Value{cty.StringVal("a")})}), nil, false},
		"a fraction":                {cty.NumberFloatVal(1.5), nil, false},
		"a huge number":             {cty.MustParseNumberVal("123456789012345678901234567890"), nil, false},
		"dynamic attribute":         {obj(map[string]cty.Value{"x": cty.NullVal(cty.DynamicPseudoType)}), nil, false},
		"many attributes":           {manyAttrs(20), nil, true},
	}
	for _, n := range []int{0, 31, 32, 255, 256, 65535, 65536, 70001} {
		tests[fmt.Sprintf("string of %d bytes", n)] = struct {
			v      cty.Value
			sens   []cty.Path
			wantOK bool
		}{str(n), nil, true}
	}
	for _, n := range []int64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64,
		-1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64} {
		tests[fmt.Sprintf("number %d", n)] = struct {
			v      cty.Value
			sens   []cty.Path
			wantOK bool
		}{cty.NumberIntVal(n), nil, true}
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := appendMsgpack(nil, tc.v, tc.sens, 0)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			want, err := encodeRedactedByCty(tc.v, tc.sens)
			if err != nil {
				t.Fatal(err)
			}
			if ok && !bytes.Equal(got, want) {
				t.Fatalf("got  %x\nwant %x", got, want)
			}
			// Whichever way it is encoded, it reads back as the redacted value.
			data, err := encodeRedacted(tc.v, tc.sens)
			if err != nil || !bytes.Equal(data, want) {
				t.Fatalf("encodeRedacted: %x, %v; want %x", data, err, want)
			}
		})
	}
}

func encodeRedactedByCty(v cty.Value, sens []cty.Path) ([]byte, error) {
	v, _ = v.UnmarkDeep()
	v, err := redactWalk(v, sens)
	if err != nil {
		return nil, err
	}
	return ctymsgpack.Marshal(v, v.Type())
}

func manyAttrs(n int) cty.Value {
	attrs := map[string]cty.Value{}
	for i := range n {
		attrs[string(rune('a'+i))+"_attr"] = cty.NumberIntVal(int64(i * 1000))
	}
	return cty.ObjectVal(attrs)
}
