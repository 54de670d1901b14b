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

// BenchmarkDecodeProjectedEach is the decode of an account's e-mail from
// its stored attributes, as a plan reads a batch's column of them for its
// dependents (a million of them in the no-change plan of a million rows).
func BenchmarkDecodeProjectedEach(b *testing.B) {
	ty := cty.Object(map[string]cty.Type{
		"basic_profile": cty.DynamicPseudoType, "email": cty.String, "email_registered": cty.Bool, "first_name": cty.String,
		"id": cty.String, "last_name": cty.String, "mode": cty.String, "password": cty.String, "phone_number": cty.String,
		"platform": cty.String, "registered_at": cty.String, "registration": cty.String, "username": cty.String,
	})
	src := []byte(`{"basic_profile":null,"email":"p0000000@example.id","email_registered":true,"first_name":"Nama0","id":"p0000000","last_name":"Keluarga0","mode":null,"password":"hmac-sha256:7f1601f4d0fce31f8e9e1cc62698ed369beb37ea15e8ff401b399d4c443a35cb","phone_number":"6281000000000","platform":null,"registered_at":"2026-12-07T08:36:11Z","registration":"internal","username":"p0000000"}`)
	p, err := NewProjection(ty, []string{"email"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for range b.N {
		if _, err := p.Each(src, func(int, cty.Value) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeJSONStringsAtEveryPosition: a string's bytes are read eight
// at a time up to the first that is not plain ASCII (plainASCIIRun); a
// quote, an escape, a control character, a character beyond ASCII or
// invalid UTF-8 at any place of a string, before, across or after an
// eight-byte word, gives what ctyjson gives (the value, or an error), read
// whole (DecodeJSON) and skipped (DecodeJSONProjected keeping another
// attribute, which checks it without building it).
func TestDecodeJSONStringsAtEveryPosition(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"a": cty.String, "username": cty.String})
	for _, special := range []string{`\"`, `\\`, `\n`, `\u00e9`, "\x01", "\x7f", "é", "\xff", "😀", "\xe2\x82", `"`} {
		for at := range 18 {
			s := strings.Repeat("x", at) + special + strings.Repeat("y", 17-at)
			src := []byte(`{"a":"k","username":"` + s + `"}`)
			want, wantErr := ctyjson.Unmarshal(src, ty)
			got, err := DecodeJSON(src, ty)
			if (err == nil) != (wantErr == nil) || err == nil && !got.RawEquals(want) {
				t.Fatalf("%q: DecodeJSON %#v, %v; ctyjson %#v, %v", src, got, err, want, wantErr)
			}
			_, err = DecodeJSONProjected(src, ty, map[string]bool{"a": true})
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("%q: skipped, error %v; ctyjson's %v", src, err, wantErr)
			}
			p, perr := NewProjection(ty, []string{"a"})
			if perr != nil {
				t.Fatal(perr)
			}
			if _, err = p.Each(src, func(int, cty.Value) {}); (err == nil) != (wantErr == nil) {
				t.Fatalf("%q: projected, error %v; ctyjson's %v", src, err, wantErr)
			}
		}
	}
}
