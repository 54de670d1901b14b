package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"
)

// streamed runs StreamArray over data read through r, and returns the
// elements' bytes it emitted and its rest; at is where it says each
// element is in the document.
func streamed(t *testing.T, r io.Reader, chunk int) (elems [][]byte, at []Span, rest []byte, ok bool, err error) {
	t.Helper()
	newBuf := func() []byte { return make([]byte, 0, chunk) }
	rest, ok, err = StreamArray(r, "resources", chunk, newBuf, func(buf []byte, base int64, spans []Span) bool {
		if len(spans) == 0 {
			t.Fatalf("StreamArray emitted a buffer without elements")
		}
		for _, s := range spans {
			elems = append(elems, bytes.Clone(buf[s.Start:s.End]))
			at = append(at, Span{int(base) + s.Start, int(base) + s.End})
		}
		// The buffer is emit's: writing over it must not change what
		// StreamArray reads next.
		for i := range buf {
			buf[i] = '"'
		}
		return true
	})
	return elems, at, rest, ok, err
}

// sameAsFindArray fails unless StreamArray, over every chunk size and way
// of reading, finds what FindArray finds in data: the same answer, the
// same elements, and the document with the array emptied. StreamArray
// takes an object to end where its line does (lineElement): where that is
// wrong, it may answer otherwise only by emitting an element that is not
// one JSON value (which DecodeStream's decoder refuses), or by declining
// a document whose elements do not each end their line.
func sameAsFindArray(t *testing.T, data []byte) {
	t.Helper()
	array, spans, wantOK := FindArray(data, "resources")
	// Whether every element ends its line as daftar writes them: then
	// StreamArray must answer as FindArray does.
	lined := true
	for _, s := range spans {
		lined = lined && endsItsLine(data, s)
	}
	var want [][]byte
	var wantRest []byte
	if wantOK {
		for _, s := range spans {
			want = append(want, data[s.Start:s.End])
		}
		wantRest = append(append(append([]byte(nil), data[:array.Start]...), "[]"...), data[array.End:]...)
	}
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(data) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"halves":   func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
	}
	for _, chunk := range []int{1, 2, 3, 7, 16, 64, 1 << 10, 1 << 20} {
		for how, r := range readers {
			if how == "one byte" && len(data) > 1<<12 {
				continue
			}
			got, at, rest, ok, err := streamed(t, r(), chunk)
			if err != nil {
				t.Fatalf("chunk %d, %s: %v", chunk, how, err)
			}
			if !lined || !wantOK {
				// Declining is safe (the caller reads the document another
				// way); accepting otherwise is not, unless the decoder will
				// refuse an element.
				if differs(got, at, rest, ok, spans, wantRest, wantOK) && ok && !slices.ContainsFunc(got, notOneValue) {
					t.Fatalf("chunk %d, %s: StreamArray says %v with elements\n%q\nFindArray says %v with\n%q\nand each element StreamArray emits is one JSON value, for\n%q",
						chunk, how, ok, got, wantOK, spansOf(data, spans), data)
				}
				continue
			}
			if ok != wantOK {
				t.Fatalf("chunk %d, %s: StreamArray says %v, FindArray %v, for\n%q", chunk, how, ok, wantOK, data)
			}
			if !ok {
				continue
			}
			if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Fatalf("chunk %d, %s: elements\n%q\nwant\n%q", chunk, how, got, want)
			}
			if !reflect.DeepEqual(at, spans) && (len(at) > 0 || len(spans) > 0) {
				t.Fatalf("chunk %d, %s: the elements are at %v, StreamArray says %v", chunk, how, spans, at)
			}
			if !bytes.Equal(rest, wantRest) {
				t.Fatalf("chunk %d, %s: rest\n%q\nwant\n%q", chunk, how, rest, wantRest)
			}
		}
	}
}

// endsItsLine reports whether the element at s is on one line and followed
// on it by nothing but an optional comma and whitespace.
func endsItsLine(data []byte, s Span) bool {
	if bytes.IndexByte(data[s.Start:s.End], '\n') >= 0 {
		return false
	}
	i := skipSpaceInLine(data, s.End)
	if i < len(data) && data[i] == ',' {
		i = skipSpaceInLine(data, i+1)
	}
	return i < len(data) && data[i] == '\n'
}

// skipSpaceInLine is SkipSpace stopping at a line's end.
func skipSpaceInLine(data []byte, i int) int {
	for i < len(data) && data[i] != '\n' && isSpace(data[i]) {
		i++
	}
	return i
}

// differs reports whether StreamArray's answer is not FindArray's.
func differs(got [][]byte, at []Span, rest []byte, ok bool, spans []Span, wantRest []byte, wantOK bool) bool {
	if ok != wantOK {
		return true
	}
	return ok && (!slices.Equal(at, spans) || !bytes.Equal(rest, wantRest))
}

func notOneValue(elem []byte) bool { return !json.Valid(elem) }

func spansOf(data []byte, spans []Span) [][]byte {
	var out [][]byte
	for _, s := range spans {
		out = append(out, data[s.Start:s.End])
	}
	return out
}

var streamDocs = []string{
	`{"resources":[]}`,
	`{"version":1,"lineage":"x","resources":[{"address":"a"},{"address":"b","attributes":{"k":[1,2,"]}"]}}],"outputs":{"o":{"value":"],\"resources\":[","type":"string"}}}`,
	"{\r\n  \"version\": 1,\r\n  \"resources\": [\r\n    {\"address\":\"a\"},\r\n    {\"address\":\"b\"}\r\n  ],\r\n  \"outputs\": {}\r\n}\r\n",
	"{ \"resources\" : [ 1 , 22 , \"x\" , [ ] , { } , null , true ] }",
	`{"outputs":{"o":{"value":[1,{"a":"]}"}]}},"version":1,"resources":[{"address":"a.b"}]}`,
	`{"resources":[{"address":"a\\"},{"address":"\"]}"}]}`,
	`{"lineage":"x}]\"","resources":[{"address":"a\\"}],"outputs":{"o":{"value":"],\"resources\":["}}}`,
	`{"version":12345,"resources":[{"address":"a"}]}`,
	// Elements that do not end their line: StreamArray's are not one
	// value, or it declines.
	"{\"resources\":[\n{\"a\":{\"b\":1},\n\"c\":2},\n{\"d\":3}\n]}",
	"{\"resources\":[\n{\"a\":1}, {\"b\":2},\n{\"c\":3}\n]}",
	"{\"resources\":[\n{\"a\":1}],\"outputs\":{}}\n",
	"{\"resources\":[\n{\"a\":\"}\"}},\n{\"b\":1}\n]}",
	"{\"resources\":[\n{\"a\":1}\n{\"b\":2}\n]}",
	"{\"resources\":[\n  {\n    \"a\": {\"b\": 1},\n    \"c\": 2\n  }\n]}\n",
	"{\"resources\":[{\"a\":1} ,  \n {\"b\":2}\t\r\n]}",
	// Declined, as FindArray declines them.
	``,
	`   `,
	`[]`,
	`{}`,
	`{"version":1}`,
	`{"version":1,"resources":{}}`,
	`{"resources":[1,]}`,
	`{"resources":[,1]}`,
	`{"resources":[1 2]}`,
	`{"resources":[{"address":"a"}`,
	`{"resources":[{"address":"a"}]`,
	`{"resources":[{"address":"a"}]} x`,
	`{"resources":[{"address":"a"}],"resources":[]}`,
	`{"Resources":[],"resources":[{"address":"a"}]}`,
	`{"resources":[{"address":"a"}],"RESOURCES":[]}`,
	`{"r\u0065sources":[{"address":"a"}]}`,
	`{"reſources":[{"address":"a"}]}`,
	`{"version":1 "resources":[]}`,
	`{"version":1,"resources":[{"address":"a}]}`,
	`{"version":1,"resources":[{"address":"a"}]}}`,
	`{"version":1,"resources":[{"address":"a"}],}`,
}

func TestStreamArrayIsFindArray(t *testing.T) {
	for _, doc := range streamDocs {
		sameAsFindArray(t, []byte(doc))
	}
	// Real records, with one longer than every chunk but the largest.
	lines := readLines(t, "resources.jsonl")
	long := `{"address":"long","attributes":{"s":"` + strings.Repeat(`x\"]}`, 1<<12) + `"}}`
	lines = append(lines[:len(lines)/2:len(lines)/2], append([][]byte{[]byte(long)}, lines[len(lines)/2:]...)...)
	doc := []byte("{\n  \"version\": 1,\n  \"resources\": [\n    " + string(bytes.Join(lines, []byte(",\n    "))) +
		"\n  ],\n  \"outputs\": {}\n}\n")
	sameAsFindArray(t, doc)
	// Cut anywhere, it is declined.
	for _, n := range []int{1, len(doc) / 3, len(doc) / 2, len(doc) - 4} {
		sameAsFindArray(t, doc[:n])
	}
}

// FuzzStreamArray checks StreamArray against FindArray.
func FuzzStreamArray(f *testing.F) {
	for _, doc := range streamDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsFindArray(t, data)
	})
}

// A read error is reported as such, not taken for a damaged document.
func TestStreamArrayReadError(t *testing.T) {
	doc := `{"version":1,"resources":[{"address":"a"},{"address":"b"}],"outputs":{}}`
	for n := 0; n < len(doc); n += 7 {
		r := io.MultiReader(strings.NewReader(doc[:n]), iotest.ErrReader(errors.New("disk gone")))
		_, _, _, ok, err := streamed(t, r, 8)
		if ok || err == nil || err.Error() != "disk gone" {
			t.Fatalf("cut at %d: ok %v, err %v; want the read error", n, ok, err)
		}
	}
}

// DecodeStream decodes what FindArray and DecodeArray decode from the
// whole document, in order, whatever the chunk; and declines what they
// decline.
func TestDecodeStreamIsDecodeArray(t *testing.T) {
	lines := readLines(t, "resources.jsonl")
	var many [][]byte
	for range 40 {
		many = append(many, lines...)
	}
	docs := []string{
		`{"version":1,"lineage":"x","resources":[` + string(bytes.Join(many, []byte(",\r\n"))) + `],"outputs":{}}`,
		`{"version":1,"lineage":"x","resources":[]}`,
		`{"version":1,"lineage":"x","resources":[{"address":"a"},{"address":""}]}`,
		`{"version":1,"lineage":"x","resources":[{"address":"a"},{"address":"b","attributes":{"a":[1}]}]}`,
		`{"version":1,"lineage":"x","resources":[{"address":"a"},null]}`,
	}
	accept := func(r *record) bool { return r.Address != "" }
	for _, doc := range docs {
		data := []byte(doc)
		array, elems, ok := FindArray(data, "resources")
		var want []*record
		if ok {
			want, ok = recordCodec.DecodeArray(data, elems, accept)
		}
		for _, chunk := range []int{1, 100, 4 << 10, StreamChunk} {
			got, rest, gotOK, err := recordCodec.DecodeStream(bytes.NewReader(data), "resources", chunk, accept)
			if err != nil {
				t.Fatal(err)
			}
			if gotOK != ok {
				t.Fatalf("chunk %d: DecodeStream says %v, DecodeArray %v, for\n%.200s", chunk, gotOK, ok, doc)
			}
			if !ok {
				continue
			}
			if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Fatalf("chunk %d: DecodeStream read\n%.300s\nwant\n%.300s", chunk, g, w)
			}
			wantRest := string(data[:array.Start]) + "[]" + string(data[array.End:])
			if string(rest) != wantRest {
				t.Fatalf("chunk %d: rest %q, want %q", chunk, rest, wantRest)
			}
		}
	}
}

// A decoder shares the lists of a Shared field that repeat, and carves the
// other strings from blocks: the values stay what json.Unmarshal reads,
// however many records follow, and appending to a shared list copies it.
func TestDecoderSharesListsAndCarvesStrings(t *testing.T) {
	d := recordCodec.NewDecoder()
	var got []*record
	for i := range 5000 {
		deps := `["a.shared","b.shared"]`
		if i%7 == 0 {
			deps = fmt.Sprintf(`["a.shared","own.%d"]`, i)
		}
		doc := fmt.Sprintf(`{"address":"x.y[%d]","config_digest":"hmac-sha256:%064d","dependencies":%s,"pending":{"id":"i%d","operation":"create","started":"2026-11-22T10:00:00Z","run_id":"r","request_digest":"d"}}`, i, i, deps, i)
		r := new(record)
		if !d.DecodeFast([]byte(doc), r) {
			t.Fatalf("the fast decoder declined %s", doc)
		}
		got = append(got, r)
	}
	for i, r := range got {
		var want record
		doc := fmt.Sprintf(`{"address":"x.y[%d]","config_digest":"hmac-sha256:%064d"}`, i, i)
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		if r.Address != want.Address || r.ConfigDigest != want.ConfigDigest || r.Pending.ID != fmt.Sprintf("i%d", i) {
			t.Fatalf("record %d reads %q, %q, %q", i, r.Address, r.ConfigDigest, r.Pending.ID)
		}
		if len(r.Dependencies) != 2 || cap(r.Dependencies) != 2 {
			t.Fatalf("record %d: dependencies %q, capacity %d", i, r.Dependencies, cap(r.Dependencies))
		}
		shared := unsafe.SliceData(r.Dependencies) == unsafe.SliceData(got[1].Dependencies)
		if i%7 == 0 {
			if shared || r.Dependencies[1] != fmt.Sprintf("own.%d", i) {
				t.Fatalf("record %d: dependencies %q, shared %v", i, r.Dependencies, shared)
			}
		} else if !shared || r.Dependencies[0] != "a.shared" || r.Dependencies[1] != "b.shared" {
			t.Fatalf("record %d: dependencies %q, shared %v", i, r.Dependencies, shared)
		}
	}
	grown := append(got[1].Dependencies, "c")
	if got[2].Dependencies[0] != "a.shared" || len(got[2].Dependencies) != 2 || &grown[0] == &got[2].Dependencies[0] {
		t.Fatalf("appending to a shared list changed another record's")
	}
}
