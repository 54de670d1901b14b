package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/codec"
)

// The fast decoder must read every document json.Unmarshal reads, to the
// same snapshot, or decline it. These tests compare the two.

// referenceSnapshot decodes data with encoding/json alone, with the
// resources tidied as both decoders leave them.
func referenceSnapshot(data []byte) (*snapshot, error) {
	var d snapshot
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	dec := resourceCodec.NewDecoder()
	for _, r := range d.Resources {
		if r != nil {
			dec.Tidy(r)
		}
	}
	return &d, nil
}

// sameAsReference fails unless decodeFast reads data to the snapshot
// json.Unmarshal gives. A decline is accepted only when mayDecline.
func sameAsReference(t *testing.T, data []byte, mayDecline bool) {
	t.Helper()
	got, ok := decodeFast(data)
	want, err := referenceSnapshot(data)
	switch {
	case !ok && mayDecline:
		return
	case !ok && err == nil:
		t.Fatalf("decodeFast declined a valid document:\n%s", data)
	case !ok:
		return
	case err != nil:
		t.Fatalf("decodeFast accepted a document json.Unmarshal refuses (%v):\n%s", err, data)
	}
	if !deepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("decodeFast and json.Unmarshal disagree on\n%s\nfast:      %s\nreference: %s", data, g, w)
	}
}

// layouts are valid snapshots laid out in odd but valid ways.
var layouts = map[string]string{
	"empty array":             `{"version":1,"serial":1,"lineage":"x","resources":[],"outputs":{}}`,
	"empty array with spaces": "{\"version\":1,\"lineage\":\"x\",\"resources\":[ \n\t ]}",
	"minified":                `{"version":1,"serial":2,"lineage":"x","resources":[{"address":"a.b","mode":"managed","type":"a","name":"b","provider":"p","attributes":{"k":"v"},"updated_at":"2026-11-22T10:00:00Z"},{"address":"a.c","mode":"managed","type":"a","name":"c","provider":"p","updated_at":"2026-11-22T10:00:00Z"}],"outputs":{}}`,
	"whitespace everywhere":   "{ \"version\" : 1 ,\r\n\"lineage\"\t:\"x\" , \"resources\" : [ { \"address\" : \"a.b\" , \"attributes\" : { \"k\" : [ 1 , 2 ] , \"e\" : { } , \"f\" : [ ] } , \"dependencies\" : [ \"a.c\" , \"a.d\" ] } , {\"address\":\"a.c\"}\n] }\n",
	"resources first":         `{"resources":[{"address":"a.b","attributes":{"x":1}}],"version":1,"lineage":"x"}`,
	"resources last":          `{"version":1,"lineage":"x","outputs":{"o":{"value":[1,{"a":"]}"}],"type":["tuple",["number"]]}},"resources":[{"address":"a.b"}]}`,
	"unicode escapes": `{"version":1,"lineage":"x","resources":[
		{"address":"a.b[\"caf\u00e9\"]","name":"\u0062","attributes":{"n\u00e9":"\u00e9\ud83d\ude00\u2028","raw":"é"}},
		{"address":"a.c","attributes":{"s":"\ud800 lone"},"dependencies":["a.b[\"caf\u00e9\"]"]}]}`,
	"brackets, braces and quotes in strings": `{"version":1,"lineage":"x}]","resources":[
		{"address":"a.b[\"]}\"]","name":"[{","attributes":{"t":"] } [ { \" \\ , : \\\"","u":"\\\\","\"]":"}"},"index_key":"]\"["},
		{"address":"a.c\\","attributes":"{[\"\\\\\"]}"}],"outputs":{"o":{"value":"],\"resources\":[","type":"string"}}}`,
	"nested arrays in attributes": `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"a":[[1,[2,[[],[[]]]]],{"b":[{}, {"c":[null,true,false]}]}],"n":[-0,0.5,-1e10,2E+3,1e-7,123456789012345678901234567890]}}]}`,
	"every field": `{"version":1,"serial":9,"lineage":"x","digest_key_id":"hmac-sha256:0a1b","resources":[{
		"address": "a.b[0]", "mode": "managed", "type": "a", "name": "b", "index_key": 0, "provider": "p",
		"attributes": {"k": "v"}, "sensitive_paths": [["password"], ["list", 0], ["map", {"key": "x"}]],
		"config_digest": "hmac-sha256:77", "settled": true, "dependencies": ["a.c", "a.d"],
		"pending": {"id": "i", "operation": "create", "started": "2026-11-22T10:00:00Z", "run_id": "r", "request_digest": "d"},
		"updated_at": "2026-11-22T10:00:00.123456789+07:00"}]}`,
	"keys json.Unmarshal folds or ignores": `{"version":1,"lineage":"x","resources":[
		{"Address":"a.b","MODE":"managed","extra":{"x":[1]},"updated_at":"2026-11-22T10:00:00Z"},
		{"address":"a.c","address":"a.d","pending":{"id":"1","operation":"create"},"pending":{"id":"2"}}]}`,
	"nulls":              `{"version":1,"lineage":"x","resources":[{"address":"a.b","mode":null,"index_key":null,"attributes":null,"dependencies":null,"pending":null,"sensitive_paths":null,"updated_at":null}]}`,
	"escapes in strings": `{"version":1,"lineage":"x","resources":[{"address":"a.b","name":"\/\b\f\n\r\t","type":"\"\\","attributes":{"s":"\/\b\f\n\r\t\u0000"}}]}`,
	"deep attributes": `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":` +
		strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + `}]}`,
}

func TestDecodeFastLayouts(t *testing.T) {
	for name, doc := range layouts {
		t.Run(name, func(t *testing.T) {
			if !json.Valid([]byte(doc)) {
				t.Fatalf("the test document is not valid JSON:\n%s", doc)
			}
			sameAsReference(t, []byte(doc), false)
		})
	}
}

func TestDecodeFastFixtures(t *testing.T) {
	for _, name := range []string{"v1.state.json", "v1-indented.state.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			sameAsReference(t, data, false)
			var compact bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				t.Fatal(err)
			}
			sameAsReference(t, compact.Bytes(), false)
		})
	}
}

// declined are documents the fast path must leave to encoding/json, valid
// or not.
var declined = map[string]string{
	"no resources":              `{"version":1,"lineage":"x"}`,
	"empty element":             `{"version":1,"lineage":"x","resources":[{"address":"a.b"},{}]}`,
	"null element":              `{"version":1,"lineage":"x","resources":[{"address":"a.b"},null]}`,
	"resources null":            `{"version":1,"lineage":"x","resources":null}`,
	"resources twice":           `{"version":1,"lineage":"x","resources":[{"address":"a.b"}],"resources":[]}`,
	"Resources":                 `{"version":1,"lineage":"x","resources":[],"Resources":[{"address":"a.b"}]}`,
	"escaped key":               `{"version":1,"lineage":"x","r\u0065sources":[{"address":"a.b"}]}`,
	"folded key":                `{"version":1,"lineage":"x","reſources":[{"address":"a.b"}]}`,
	"resources an object":       `{"version":1,"lineage":"x","resources":{}}`,
	"not an object":             `[{"resources":[]}]`,
	"trailing garbage":          `{"version":1,"lineage":"x","resources":[]} x`,
	"trailing comma":            `{"version":1,"lineage":"x","resources":[{"address":"a.b"},]}`,
	"missing comma":             `{"version":1,"lineage":"x","resources":[{"address":"a.b"} {"address":"a.c"}]}`,
	"comma in element":          `{"version":1,"lineage":"x","resources":[{"address":"a.b",}]}`,
	"bad escape":                `{"version":1,"lineage":"x","resources":[{"address":"a.\x"}]}`,
	"bad unicode escape":        `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"s":"\u12G4"}}]}`,
	"control character":         "{\"version\":1,\"lineage\":\"x\",\"resources\":[{\"address\":\"a.b\",\"attributes\":{\"s\":\"\x01\"}}]}",
	"leading zero":              `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"n":01}}]}`,
	"bare minus":                `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"n":-}}]}`,
	"bare point":                `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"n":1.}}]}`,
	"bad literal":               `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"n":nul}}]}`,
	"wrong type":                `{"version":1,"lineage":"x","resources":[{"address":"a.b","mode":5}]}`,
	"wrong type in array":       `{"version":1,"lineage":"x","resources":[{"address":"a.b","dependencies":[1]}]}`,
	"bad time":                  `{"version":1,"lineage":"x","resources":[{"address":"a.b","updated_at":"yesterday"}]}`,
	"cut off in array":          `{"version":1,"lineage":"x","resources":[{"address":"a.b"},{"addr`,
	"cut off in string":         `{"version":1,"lineage":"x","resources":[{"address":"a.b`,
	"element a number":          `{"version":1,"lineage":"x","resources":[1]}`,
	"unbalanced in element":     `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":{"a":[1}]}]}`,
	"bad outputs":               `{"version":1,"lineage":"x","resources":[],"outputs":{"o":}}`,
	"invalid after resources":   `{"version":1,"lineage":"x","resources":[{"address":"a.b"}],"outputs":{,}}`,
	"string not closed in keys": `{"version":1,"lineage":"x,"resources":[]}`,
	"too deep":                  `{"version":1,"lineage":"x","resources":[{"address":"a.b","attributes":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}]}`,
}

func TestDecodeFastDeclines(t *testing.T) {
	for name, doc := range declined {
		t.Run(name, func(t *testing.T) {
			if _, ok := decodeFast([]byte(doc)); ok {
				t.Errorf("decodeFast accepted\n%s", doc)
			}
		})
	}
}

// TestDecodeErrorsUnchanged checks that a damaged or wrong snapshot gets
// the error it got before decodeFast existed: decodeSlow's.
func TestDecodeErrorsUnchanged(t *testing.T) {
	docs := map[string]string{
		"duplicate address":      `{"version":1,"lineage":"x","resources":[{"address":"a.b"},{"address":"a.b"}]}`,
		"missing address":        `{"version":1,"lineage":"x","resources":[{"address":"a.b"},{"type":"a"}]}`,
		"null element":           `{"version":1,"lineage":"x","resources":[{"address":"a.b"},null]}`,
		"no lineage":             `{"version":1,"resources":[{"address":"a.b"}]}`,
		"wrong field type":       `{"version":1,"lineage":"x","resources":[{"address":"a.b","dependencies":"a.c"}]}`,
		"syntax in element":      `{"version":1,"lineage":"x","resources":[{"address":"a.b",}]}`,
		"syntax after resources": `{"version":1,"lineage":"x","resources":[{"address":"a.b"}],}`,
		"cut off":                `{"version":1,"lineage":"x","resources":[{"address":"a.b"},{"address":"a.c"`,
		"bad time":               `{"version":1,"lineage":"x","resources":[{"address":"a.b","updated_at":"2026-13-01T00:00:00Z"}]}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			_, err := decodeState([]byte(doc), "test")
			_, want := decodeSlow([]byte(doc))
			if err == nil || want == nil || err.Error() != want.Error() {
				t.Errorf("decodeState says %v\nwant %v", err, want)
			}
		})
	}
}

// manyResources is a snapshot of n resources, more than one chunk, laid
// out as daftar wrote them before resources were one per line.
func manyResources(t testing.TB, n int) []byte {
	s := New()
	for i := range n {
		s.Resources[fmt.Sprintf("a.b[%d]", i)] = (&Resource{Address: fmt.Sprintf("a.b[%d]", i)}).WithKind(Kind{Mode: "managed", Type: "a", Name: "b", Provider: "p"}).WithIndexKey(json.RawMessage(fmt.Sprint(i))).WithDependencies([]string{"a.c"}).WithAttributes(json.RawMessage(fmt.Sprintf(`{"i":%d,"s":"x y"}`, i)))
	}
	data, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	return indented.Bytes()
}

func TestDecodeFastManyChunks(t *testing.T) {
	data := manyResources(t, 3*512+7) // codec.DecodeArray decodes 512 at a time
	sameAsReference(t, data, false)
	s, err := decodeState(data, "test")
	if err != nil {
		t.Fatal(err)
	}
	first := s.Resources["a.b[0]"]
	for a, r := range s.Resources {
		// The repeated strings are one copy, whichever worker read them.
		for _, pair := range [][2]string{{r.Mode(), first.Mode()}, {r.Type(), first.Type()}, {r.Name(), first.Name()}, {r.Provider(), first.Provider()}, {r.Dependencies()[0], first.Dependencies()[0]}} {
			if unsafe.StringData(pair[0]) != unsafe.StringData(pair[1]) {
				t.Fatalf("%s holds its own copy of %q", a, pair[0])
			}
		}
		// The attributes are compacted, and appending to them must not
		// write over the next resource's.
		if want := fmt.Sprintf(`{"i":%s,"s":"x y"}`, r.IndexKey()); string(attrsOf(r)) != want {
			t.Fatalf("%s has the attributes %s, want %s", a, attrsOf(r), want)
		}
		if cap(attrsOf(r)) != len(attrsOf(r)) || cap(r.IndexKey()) != len(r.IndexKey()) {
			t.Fatalf("%s: appending to its attributes or index key would write over another value", a)
		}
	}
}

// A duplicate in a later chunk than the first occurrence must be found.
func TestDecodeFastDuplicateAcrossChunks(t *testing.T) {
	data := manyResources(t, 2*512)
	// a.b[999] sorts last, a.b[0] first.
	data = bytes.Replace(data, []byte(`"address": "a.b[999]"`), []byte(`"address": "a.b[0]"`), 1)
	_, err := decodeState(data, "test")
	if err == nil || err.Error() != "the resource a.b[0] appears twice" {
		t.Errorf("decodeState: %v", err)
	}
}

// TestDecodeStateAsSlow checks that decodeState reads what decodeSlow
// reads, and that its errors are decodeSlow's. (internal/codec fuzzes the
// decoders themselves against encoding/json.)
func TestDecodeStateAsSlow(t *testing.T) {
	docs := map[string][]byte{}
	for name, doc := range layouts {
		docs[name] = []byte(doc)
	}
	for name, doc := range declined {
		docs["declined: "+name] = []byte(doc)
	}
	for _, name := range []string{"v1.state.json", "v1-indented.state.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = data
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			sameAsReference(t, data, true)
			got, err := decodeState(data, "test")
			if v, perr := probeVersion(data); perr != nil || v != 1 {
				return // refused before either decoder runs
			}
			want, wantErr := decodeSlow(data)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("decodeState says %v, decodeSlow %v", err, wantErr)
			}
			if err == nil && !deepEqual(got, want) {
				t.Fatalf("decodeState and decodeSlow disagree")
			}
		})
	}
}

// The codec's fast decoder must read what daftar writes by itself, or
// the fast path is slow.
func TestDecodeResourceReadsDaftarElements(t *testing.T) {
	docs := map[string][]byte{"every field": []byte(layouts["every field"])}
	for _, name := range []string{"v1.state.json", "v1-indented.state.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = data
	}
	for name, data := range docs {
		_, elems, ok := codec.FindArray(data, "resources")
		if !ok || len(elems) == 0 {
			t.Fatalf("%s: FindArray found no resources", name)
		}
		d := resourceCodec.NewDecoder()
		for _, e := range elems {
			var r Resource
			if !d.DecodeFast(data[e.Start:e.End], &r) {
				t.Errorf("%s: the fast decoder declined %s", name, data[e.Start:e.End])
			}
		}
	}
}
