package codec

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// recordType looks like a provider's record: primitives, a nested block,
// collections, and a dynamic attribute (decoded by ctyjson).
var recordType = cty.Object(map[string]cty.Type{
	"username":  cty.String,
	"score":     cty.Number,
	"confirmed": cty.Bool,
	"profile":   cty.Object(map[string]cty.Type{"gender": cty.String, "img_sha256": cty.String}),
	"tags":      cty.List(cty.String),
	"groups":    cty.Set(cty.String),
	"labels":    cty.Map(cty.Number),
	"pair":      cty.Tuple([]cty.Type{cty.String, cty.Number}),
	"extra":     cty.DynamicPseudoType,
})

func TestDecodeJSONMatchesCtyJSON(t *testing.T) {
	tests := map[string]string{
		"all set": `{"username":"ani","score":87.5,"confirmed":true,"profile":{"gender":"Perempuan","img_sha256":null},
			"tags":["a","b"],"groups":["x","y","x"],"labels":{"k":1,"j":-2e3},"pair":["p",1],"extra":{"value":"v","type":"string"}}`,
		"missing attributes are null":  `{"username":"budi"}`,
		"whole null":                   `null`,
		"empty collections":            `{"tags":[],"groups":[],"labels":{}}`,
		"escapes and unicode":          `{"username":"a\"b\\c\u00e9\n\ud83d\ude00 Dewi Anggraini"}`,
		"invalid utf-8 replaced":       "{\"username\":\"a\xffb\"}",
		"strings as numbers and bools": `{"score":"42","confirmed":"false"}`,
		"numbers and bools as strings": `{"username":12.50}`,
		"bool as string":               `{"username":true}`,
		"bool from digit string":       `{"confirmed":"1"}`,
		"spaces everywhere":            " { \"username\" : \"s\" , \"tags\" : [ \"t\" ] } \n",
		"big number":                   `{"score":123456789012345678901234567890}`,
		"duplicate key, last wins":     `{"username":"a","username":"b"}`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			want, err := ctyjson.Unmarshal([]byte(src), recordType)
			if err != nil {
				t.Fatalf("ctyjson: %s", err)
			}
			got, err := DecodeJSON([]byte(src), recordType)
			if err != nil {
				t.Fatalf("DecodeJSON: %s", err)
			}
			if !got.RawEquals(want) {
				t.Fatalf("got  %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	tests := map[string]struct{ src, want string }{
		"unknown attribute": {`{"nope":1}`, `unsupported attribute "nope"`},
		"wrong kind":        {`{"tags":"x"}`, `expected '['`},
		"number from text":  {`{"score":"many"}`, "number is required"},
		"bool from number":  {`{"confirmed":1}`, "bool is required"},
		"bool from text":    {`{"confirmed":"yes"}`, "bool is required"},
		"truncated":         {`{"username":"ani"`, "expected ',' or '}'"},
		"unterminated":      {`{"username":"ani`, "unterminated string"},
		"trailing data":     {`{} x`, "extra data"},
		"bad literal":       {`{"confirmed":tru}`, "expected true"},
		"missing colon":     {`{"username" "x"}`, `expected ':'`},
		"bare minus":        {`{"score":-}`, "invalid number"},
		"bare point":        {`{"score":1.}`, "invalid number"},
		"bare exponent":     {`{"score":1e+}`, "invalid number"},
		"leading zero":      {`{"score":01}`, "expected ',' or '}'"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ctyjson.Unmarshal([]byte(tc.src), recordType); err == nil && name != "trailing data" {
				t.Fatalf("ctyjson accepts %s; the test is wrong", tc.src)
			}
			_, err := DecodeJSON([]byte(tc.src), recordType)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func BenchmarkDecodeAttrs(b *testing.B) {
	src := []byte(`{"username":"u000001","score":87,"confirmed":true,"profile":{"gender":"Perempuan","img_sha256":"hmac-sha256:9f2c"},"tags":["a"],"groups":null,"labels":null,"pair":null,"extra":null}`)
	for name, decode := range map[string]func([]byte, cty.Type) (cty.Value, error){"ctyjson": ctyjson.Unmarshal, "DecodeJSON": DecodeJSON} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := decode(src, recordType); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
