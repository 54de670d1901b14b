package codec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// The equivalence of every codec of this package with encoding/json and
// cty's ctyjson is fuzzed here, in one place. The seed corpus (real
// records in testdata, and the cases below) runs with every go test;
//
//	go test -run='^$' -fuzz=FuzzObjectDecode -fuzztime=60s ./internal/codec/
//
// (and FuzzObjectEncode, FuzzDecodeArray, FuzzDecodeJSON, FuzzCanonical)
// searches further.

// record has the shape of state.Resource (field for field: names, types,
// tags), which state.resourceCodec describes: what the fuzzers find about
// it holds of the state's records.
type record struct {
	Address        string          `json:"address"`
	Mode           string          `json:"mode"`
	Type           string          `json:"type"`
	Name           string          `json:"name"`
	IndexKey       json.RawMessage `json:"index_key,omitempty"`
	Provider       string          `json:"provider"`
	Attributes     json.RawMessage `json:"attributes,omitempty"`
	SensitivePaths [][]any         `json:"sensitive_paths,omitempty"`
	ConfigDigest   string          `json:"config_digest,omitempty"`
	Settled        bool            `json:"settled,omitempty"`
	Dependencies   []string        `json:"dependencies,omitempty"`
	Pending        *intent         `json:"pending,omitempty"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

type intent struct {
	ID            string    `json:"id"`
	Operation     string    `json:"operation"`
	Started       time.Time `json:"started"`
	RunID         string    `json:"run_id"`
	RequestDigest string    `json:"request_digest"`
	Acknowledged  bool      `json:"acknowledged,omitempty"`
}

var recordCodec = NewObject(
	F("Address", func(r *record) any { return &r.Address }),
	F("Mode", func(r *record) any { return &r.Mode }).Shared(),
	F("Type", func(r *record) any { return &r.Type }).Shared(),
	F("Name", func(r *record) any { return &r.Name }).Shared(),
	F("IndexKey", func(r *record) any { return &r.IndexKey }),
	F("Provider", func(r *record) any { return &r.Provider }).Shared(),
	F("Attributes", func(r *record) any { return &r.Attributes }),
	F("SensitivePaths", func(r *record) any { return &r.SensitivePaths }),
	F("ConfigDigest", func(r *record) any { return &r.ConfigDigest }),
	F("Settled", func(r *record) any { return &r.Settled }),
	F("Dependencies", func(r *record) any { return &r.Dependencies }).Shared(),
	F("Pending", func(r *record) any { return &r.Pending }),
	F("UpdatedAt", func(r *record) any { return &r.UpdatedAt }),
)

// kinds has the field kinds and options record lacks: what a field added
// to state.Resource could be.
type kinds struct {
	Raw     json.RawMessage   `json:"raw"`
	Strs    []string          `json:"strs"`
	Flag    bool              `json:"flag"`
	Count   int               `json:"count,omitempty"`
	Size    uint64            `json:"size"`
	Labels  map[string]string `json:"labels,omitempty"`
	Plain   string            // no tag: the Go name
	When    time.Time         `json:"when,omitempty"`
	Nothing *intent           `json:"nothing"`
}

var kindsCodec = NewObject(
	F("Raw", func(k *kinds) any { return &k.Raw }),
	F("Strs", func(k *kinds) any { return &k.Strs }),
	F("Flag", func(k *kinds) any { return &k.Flag }),
	F("Count", func(k *kinds) any { return &k.Count }),
	F("Size", func(k *kinds) any { return &k.Size }),
	F("Labels", func(k *kinds) any { return &k.Labels }),
	F("Plain", func(k *kinds) any { return &k.Plain }).Shared(),
	F("When", func(k *kinds) any { return &k.When }),
	F("Nothing", func(k *kinds) any { return &k.Nothing }),
)

func TestFuzzCodecsCurrent(t *testing.T) {
	for name, err := range map[string]error{"record": recordCodec.Check(), "kinds": kindsCodec.Check()} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// readLines returns the lines of a testdata file.
func readLines(t testing.TB, name string) [][]byte {
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil || len(lines) == 0 {
		t.Fatalf("testdata/%s: %v, %d lines", name, err, len(lines))
	}
	return lines
}

// compactRaws compacts v's json.RawMessage fields, as a Decoder leaves them.
func compactRaws(t *testing.T, v any) {
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f := rv.Field(i)
		if !rv.Type().Field(i).IsExported() {
			continue // not a json.RawMessage read by encoding/json
		}
		if raw, ok := f.Interface().(json.RawMessage); ok && raw != nil {
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				t.Fatalf("json.Unmarshal kept an invalid raw value %q", raw)
			}
			f.Set(reflect.ValueOf(json.RawMessage(buf.Bytes())))
		}
	}
}

// sameDecode fails unless o's Decoder reads data as json.Unmarshal does.
func sameDecode[T any](t *testing.T, o *Object[T], data []byte) {
	t.Helper()
	var want, got T
	wantErr := json.Unmarshal(data, &want)
	err := o.NewDecoder().Decode(data, &got)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("Decode: error %v; json.Unmarshal: error %v\n%q", err, wantErr, data)
	}
	if err != nil {
		return
	}
	compactRaws(t, &want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode and json.Unmarshal disagree on\n%q\nDecode:         %#v\njson.Unmarshal: %#v", data, got, want)
	}
}

// objectSeeds are odd objects of both types, beyond the real records.
var objectSeeds = []string{
	`{}`, ` { } `, `null`, `[]`, `{"address":"a","address":"b"}`, `{"Address":"a"}`, `{"addr\u0065ss":"a"}`,
	`{"address":"a\u00e9\ud83d\ude00","mode":"\/\b\f\n\r\t","dependencies":[],"index_key":-0.5e-3}`,
	`{"index_key":null,"attributes":null,"dependencies":null,"pending":null,"sensitive_paths":null,"updated_at":null}`,
	`{"attributes":{"a":[1,{"b":[true,false,null]}],"c":"} ]"},"settled":false}`,
	`{"updated_at":"2026-11-22T10:00:00.123+07:00","pending":{"id":"i","started":"2026-11-22T10:00:00Z"}}`,
	`{"updated_at":"2026-13-01T00:00:00Z"}`, `{"updated_at":"2026-11-22T10:00:00\u005a"}`,
	"{\"name\":\"a\xffb\"}", "{\"name\":\"\x01\"}", `{"attributes":{"n":01}}`, `{"attributes":[1,]}`, `{"address":"a",}`,
	`{"raw":null,"strs":null,"flag":true,"count":3,"size":18446744073709551615,"labels":{"k":"v"},"Plain":"p","when":"2026-11-22T10:00:00Z","nothing":null}`,
	`{"raw":{"k" : 1},"strs":["a","b"],"count":-1,"size":-1,"plain":"folded"}`,
	`{"count":1.5}`, `{"size":1e3}`, `{"labels":{"k":1}}`,
	`{"address":"a","module":"","deps":null}`, `{"deps":[],"module":"m","tag":"t"}`, `{"tag":"t","deps":["x"],"module":"m"}`,
	`{"module":null}`, `{"deps":["a",1]}`, `{"module":"m","module":"n"}`,
}

// FuzzObjectDecode checks that Decoder.Decode reads any bytes as
// json.Unmarshal does: the same value, the same error.
func FuzzObjectDecode(f *testing.F) {
	for _, line := range readLines(f, "resources.jsonl") {
		f.Add(line)
	}
	for _, s := range objectSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecode(t, recordCodec, data)
		sameDecode(t, kindsCodec, data)
		sameDecode(t, rareCodec(), data)
	})
}

// The records daftar writes must take the fast path, or loading is slow.
func TestObjectDecodeFast(t *testing.T) {
	for _, line := range readLines(t, "resources.jsonl") {
		var r record
		if !recordCodec.NewDecoder().DecodeFast(line, &r) {
			t.Errorf("the fast decoder declined %s", line)
		}
	}
}

// sameEncode fails unless o's Encoder writes v as json.Encoder does
// without HTML escaping, and fails when it does.
func sameEncode[T any](t *testing.T, o *Object[T], v *T) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	wantErr := enc.Encode(v)
	want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	got, err := o.NewEncoder().Append([]byte("[prefix]"), v)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("Append: error %v; json.Encoder: error %v", err, wantErr)
	}
	if err == nil && string(got) != "[prefix]"+string(want) {
		t.Fatalf("Append wrote\n%s\njson.Encoder writes\n%s", got, want)
	}
	if err != nil && string(got) != "[prefix]" {
		t.Fatalf("Append failed and changed dst: %q", got)
	}
}

// FuzzObjectEncode checks that Encoder.Append writes what json.Encoder
// writes, byte for byte, or fails as it does.
func FuzzObjectEncode(f *testing.F) {
	for _, line := range readLines(f, "resources.jsonl") {
		var r record
		if err := json.Unmarshal(line, &r); err != nil {
			f.Fatal(err)
		}
		paths, _ := json.Marshal(r.SensitivePaths)
		f.Add(r.Address, r.Mode, r.Name, string(r.IndexKey), string(r.Attributes), strings.Join(r.Dependencies, "\n"),
			string(paths), r.Settled, r.Pending != nil, r.UpdatedAt.UnixNano(), int16(7*60))
	}
	f.Add("a\u2028", "\x00", "é", `1`, " { } ", `\"`, `[]`, false, true, int64(-1), int16(0))
	f.Add("\xff", "<>", "&", `null`, `{"a":}`, "", `[["x",1,{"key":"<&>"}]]`, false, false, int64(1<<62), int16(-1439))
	f.Add("a", "b", "c", "", "", "\n", `null`, true, false, int64(0), int16(1440))
	f.Fuzz(func(t *testing.T, addr, mode, name, key, attrs, deps, paths string, settled, pending bool, nanos int64, offset int16) {
		when := time.Unix(0, nanos).In(time.FixedZone("Z", int(offset)*60))
		r := &record{Address: addr, Mode: mode, Name: name, IndexKey: json.RawMessage(key), Attributes: json.RawMessage(attrs),
			Settled: settled, UpdatedAt: when}
		if deps != "" {
			r.Dependencies = strings.Split(deps, "\n")
		}
		_ = json.Unmarshal([]byte(paths), &r.SensitivePaths)
		if pending {
			r.Pending = &intent{ID: name, Operation: mode, Started: when, RunID: addr}
		}
		sameEncode(t, recordCodec, r)
		k := &kinds{Raw: r.Attributes, Strs: r.Dependencies, Flag: settled, Count: int(offset), Plain: addr, When: when}
		if pending {
			k.Labels = map[string]string{mode: name}
			k.Nothing = r.Pending
		}
		sameEncode(t, kindsCodec, k)
		w := &withRare{Address: addr, Tag: name}
		if pending || deps != "" {
			w.more = &rare{Module: mode, Deps: r.Dependencies}
		}
		sameEncode(t, rareCodec(), w)
	})
}

// document has the shape of a state snapshot, with records.
type document struct {
	Version   int            `json:"version"`
	Lineage   string         `json:"lineage"`
	Resources []*record      `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
}

// FuzzDecodeArray checks that FindArray and DecodeArray read a document's
// array as json.Unmarshal reads the whole document, or decline it.
func FuzzDecodeArray(f *testing.F) {
	lines := readLines(f, "resources.jsonl")
	f.Add([]byte(`{"version":1,"lineage":"x","resources":[` + string(bytes.Join(lines, []byte(",\n"))) + `],"outputs":{"o":{"value":"]}","type":"string"}}}`))
	f.Add([]byte(`{"resources":[]}`))
	f.Add([]byte(`{"resources":[{"address":"a"},null]}`))
	f.Add([]byte(`{"version":1,"Resources":[{"address":"a"}],"resources":[]}`))
	f.Add([]byte(`{"r\u0065sources":[{"address":"a"}]}`))
	f.Add([]byte(`{"reſources":[{"address":"a"}]}`))
	f.Add([]byte(`{"resources":[{"address":"a","attributes":{"a":[1}]}]}`))
	f.Add([]byte(`{"lineage":"x}]\"","resources":[{"address":"a\\"}],"outputs":{"o":{"value":"],\"resources\":["}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		array, elems, ok := FindArray(data, "resources")
		if !ok {
			return
		}
		rest := append(append(append([]byte(nil), data[:array.Start]...), "[]"...), data[array.End:]...)
		var got document
		if json.Unmarshal(rest, &got) != nil {
			return
		}
		var okArray bool
		got.Resources, okArray = recordCodec.DecodeArray(data, elems, func(r *record) bool { return r.Address != "" })
		if !okArray {
			return
		}
		var want document
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("FindArray and DecodeArray accepted what json.Unmarshal refuses (%v):\n%q", err, data)
		}
		for _, r := range want.Resources {
			if r == nil {
				t.Fatalf("DecodeArray accepted a null element:\n%q", data)
			}
			compactRaws(t, r)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("FindArray and DecodeArray read\n%q\notherwise than json.Unmarshal", data)
		}
	})
}

// fuzzTypes are the types FuzzDecodeJSON and FuzzCanonical decode into:
// the providers' record types (testdata/types.json) and types no provider
// uses yet.
func fuzzTypes(t testing.TB) []cty.Type {
	data, err := os.ReadFile("testdata/types.json")
	if err != nil {
		t.Fatal(err)
	}
	var byName map[string]json.RawMessage
	if err := json.Unmarshal(data, &byName); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	var types []cty.Type
	for _, name := range names {
		ty, err := ctyjson.UnmarshalType(byName[name])
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ty)
	}
	return append(types, recordType, cty.List(cty.Object(map[string]cty.Type{"a": cty.Number, "b": cty.Set(cty.Bool)})),
		cty.Map(cty.List(cty.String)), cty.String, cty.Number, cty.Bool, cty.Set(cty.Number))
}

// attributeSeeds are the attributes of testdata/attributes.jsonl, each
// with the index of its type in fuzzTypes.
func attributeSeeds(t testing.TB) ([]uint8, [][]byte) {
	var idx []uint8
	var attrs [][]byte
	for _, line := range readLines(t, "attributes.jsonl") {
		var rec struct {
			Type       string          `json:"type"`
			Attributes json.RawMessage `json:"attributes"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		i := map[string]uint8{"proofylink_verification": 0, "usapi_account": 1}[rec.Type]
		idx, attrs = append(idx, i), append(attrs, rec.Attributes)
	}
	return idx, attrs
}

// FuzzDecodeJSON checks that DecodeJSON reads valid JSON as
// ctyjson.Unmarshal does (the same value, or an error from both), and
// never accepts what ctyjson refuses. (On invalid JSON it may refuse what
// ctyjson accepts: ctyjson ignores what follows the value.)
func FuzzDecodeJSON(f *testing.F) {
	idx, attrs := attributeSeeds(f)
	for i := range idx {
		f.Add(idx[i], attrs[i])
	}
	f.Add(uint8(2), []byte(`{"username":"ani","score":87.5,"confirmed":true,"tags":["a"],"groups":["x","x"],"labels":{"k":1},"pair":["p",1],"extra":{"value":"v","type":"string"}}`))
	f.Add(uint8(3), []byte(`[{"a":1,"b":[true,false]},{"a":null,"b":null}]`))
	f.Add(uint8(4), []byte(`{"k":["a","b"],"j":[]}`))
	f.Add(uint8(5), []byte(`"\ud83d\ude00\u00e9\n"`))
	f.Add(uint8(6), []byte(`-12.5e3`))
	f.Add(uint8(7), []byte(`"true"`))
	f.Add(uint8(8), []byte(`[1,1,2]`))
	types := fuzzTypes(f)
	f.Fuzz(func(t *testing.T, ti uint8, data []byte) {
		ty := types[int(ti)%len(types)]
		want, wantErr := ctyjson.Unmarshal(data, ty)
		got, err := DecodeJSON(data, ty)
		switch {
		case err == nil && wantErr != nil:
			t.Fatalf("DecodeJSON accepts what ctyjson refuses (%v):\n%q as %s", wantErr, data, ty.GoString())
		case err != nil && wantErr == nil && json.Valid(data):
			t.Fatalf("DecodeJSON refuses (%v) valid JSON ctyjson reads:\n%q as %s", err, data, ty.GoString())
		case err == nil && !got.RawEquals(want):
			t.Fatalf("DecodeJSON and ctyjson disagree on\n%q as %s\nDecodeJSON: %#v\nctyjson:    %#v", data, ty.GoString(), got, want)
		}
	})
}

// FuzzCanonical checks the canonical encoding of fingerprints: a
// CanonicalEncoder writes AppendCanonical's bytes, and two values have the
// same encoding only when they are equal.
func FuzzCanonical(f *testing.F) {
	idx, attrs := attributeSeeds(f)
	for i := range idx {
		f.Add(idx[i], attrs[i], attrs[(i+1)%len(attrs)])
	}
	f.Add(uint8(6), []byte(`1`), []byte(`1.0`))
	f.Add(uint8(5), []byte(`"a"`), []byte(`"\u0061"`))
	f.Add(uint8(3), []byte(`[{"a":1}]`), []byte(`[{"a":1,"b":null}]`))
	types := fuzzTypes(f)
	f.Fuzz(func(t *testing.T, ti uint8, a, b []byte) {
		ty := types[int(ti)%len(types)]
		va, err := DecodeJSON(a, ty)
		if err != nil {
			return
		}
		ea, errA := AppendCanonical(nil, va)
		pa, errP := NewCanonicalEncoder(ty).Append(nil, va)
		if (errA == nil) != (errP == nil) || !bytes.Equal(ea, pa) {
			t.Fatalf("CanonicalEncoder wrote %q (%v), AppendCanonical %q (%v) for %q", pa, errP, ea, errA, a)
		}
		if ty.IsObjectType() && va.IsKnown() && !va.IsNull() {
			// The object's attributes, as schema.Fields gives them.
			names, vals := objectAttrs(va)
			fa, errF := NewCanonicalEncoder(ty).AppendAttrs(nil, names, vals)
			if (errA == nil) != (errF == nil) || !bytes.Equal(ea, fa) {
				t.Fatalf("AppendAttrs wrote %q (%v), AppendCanonical %q (%v) for %q", fa, errF, ea, errA, a)
			}
		}
		vb, err := DecodeJSON(b, ty)
		if err != nil || errA != nil {
			return
		}
		eb, err := AppendCanonical(nil, vb)
		if err != nil {
			return
		}
		if bytes.Equal(ea, eb) != va.RawEquals(vb) {
			t.Fatalf("%q and %q: same encoding %v, equal values %v", a, b, bytes.Equal(ea, eb), va.RawEquals(vb))
		}
	})
}
