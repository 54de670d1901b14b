package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// placed has an unexported attributes field that its values may leave in
// the document they were read from (Place), read back by Load, and a
// field that is no part of its JSON (Skip), as state.Resource does.
type placed struct {
	Address string          `json:"address"`
	attrs   json.RawMessage // "attributes", omitempty
	Tag     string          `json:"tag,omitempty"`
	doc     *[]byte         // the document attrs were left in
	at      Span
}

func (p *placed) attributes() (json.RawMessage, error) {
	if p.doc == nil {
		return p.attrs, nil
	}
	if p.at.End > len(*p.doc) {
		return nil, fmt.Errorf("%s: the document is gone", p.Address)
	}
	return (*p.doc)[p.at.Start:p.at.End], nil
}

// placeCodec leaves in the document the values of at least 8 bytes.
func placeCodec(doc *[]byte) *Object[placed] {
	return NewObject(
		F("Address", func(p *placed) any { return &p.Address }),
		F("attrs", func(p *placed) any { return &p.attrs }).Tag("attributes,omitempty").
			Load((*placed).attributes).
			Place(func(p *placed, v []byte, off int64) bool {
				if len(v) < 8 {
					return false
				}
				p.doc, p.at = doc, Span{int(off), int(off) + len(v)}
				return true
			}),
		F("Tag", func(p *placed) any { return &p.Tag }),
		Skip[placed]("doc"),
		Skip[placed]("at"),
	)
}

// Values left in the document are the bytes DecodeArray copies, at the
// offsets DecodeStream gives, whatever the chunk; values not compact in
// the document are copied, compacted; encoding reads them back and writes
// what encoding the copies writes.
func TestDecodeStreamPlaces(t *testing.T) {
	var recs []string
	for i := range 3000 {
		switch i % 4 {
		case 0:
			recs = append(recs, fmt.Sprintf(`{"address":"a%d","attributes":{"i":%d,"s":"x \" ]} y"},"tag":"t"}`, i, i))
		case 1:
			recs = append(recs, fmt.Sprintf(`{"address":"a%d","attributes": { "i" : %d }}`, i, i)) // not compact
		case 2:
			recs = append(recs, fmt.Sprintf(`{"address":"a%d","attributes":[%d]}`, i, i)) // short
		default:
			recs = append(recs, fmt.Sprintf(`{"address":"a%d"}`, i))
		}
	}
	for _, sep := range []string{",", ",\r\n    ", " ,\n"} {
		data := []byte(`{"version":1,"resources":[` + strings.Join(recs, sep) + `],"outputs":{}}`)
		var doc []byte
		c := placeCodec(&doc)
		if err := c.Check(); err != nil {
			t.Fatal(err)
		}
		_, elems, ok := FindArray(data, "resources")
		if !ok {
			t.Fatal("FindArray declined")
		}
		want, ok := c.DecodeArray(data, elems, func(*placed) bool { return true })
		if !ok {
			t.Fatal("DecodeArray declined")
		}
		for _, w := range want {
			if w.doc != nil {
				t.Fatalf("DecodeArray left %s in the document: it does not know where it is", w.Address)
			}
		}
		for _, chunk := range []int{1, 100, 4 << 10, StreamChunk} {
			doc = nil
			got, _, ok, err := c.DecodeStream(bytes.NewReader(data), "resources", chunk, func(*placed) bool { return true })
			if err != nil || !ok || len(got) != len(want) {
				t.Fatalf("chunk %d: DecodeStream: %v, %v, %d values", chunk, err, ok, len(got))
			}
			doc = data
			left := 0
			for i, g := range got {
				if g.doc != nil {
					left++
				}
				if (g.doc != nil) != (i%4 == 0) {
					t.Fatalf("chunk %d: %s left in the document: %v", chunk, g.Address, g.doc != nil)
				}
				a, err := g.attributes()
				if err != nil || string(a) != string(want[i].attrs) || g.Address != want[i].Address || g.Tag != want[i].Tag {
					t.Fatalf("chunk %d: %s reads %s (%v), want %s", chunk, g.Address, a, err, want[i].attrs)
				}
				e := c.NewEncoder()
				gb, err1 := e.Append(nil, g)
				wb, err2 := e.Append(nil, want[i])
				if err1 != nil || err2 != nil || string(gb) != string(wb) {
					t.Fatalf("chunk %d: %s encodes as %s (%v), want %s (%v)", chunk, g.Address, gb, err1, wb, err2)
				}
			}
			if left != 750 {
				t.Fatalf("chunk %d: %d values left in the document, want 750", chunk, left)
			}
		}
	}
}

// An encoder whose Load fails declines the value: json.Encoder writes it,
// through the type's own MarshalJSON (placed has none: its attributes are
// not written, which shows the fallback ran).
func TestEncoderLoadError(t *testing.T) {
	doc := []byte("short")
	c := placeCodec(&doc)
	p := &placed{Address: "a", doc: &doc, at: Span{0, 100}}
	if _, ok := c.NewEncoder().AppendFast(nil, p); ok {
		t.Fatal("the fast encoder wrote a value whose Load failed")
	}
}

// The fields given to NewObject are checked: an unexported field needs a
// tag, and a skipped one must be unexported.
func TestObjectChecksHiddenFields(t *testing.T) {
	bad := map[string]*Object[placed]{
		"no tag": NewObject(F("Address", func(p *placed) any { return &p.Address }), F("attrs", func(p *placed) any { return &p.attrs }),
			F("Tag", func(p *placed) any { return &p.Tag }), Skip[placed]("doc"), Skip[placed]("at")),
		"exported skipped": NewObject(Skip[placed]("Address"), F("attrs", func(p *placed) any { return &p.attrs }).Tag("attributes"),
			F("Tag", func(p *placed) any { return &p.Tag }), Skip[placed]("doc"), Skip[placed]("at")),
		"unexported not raw": NewObject(F("Address", func(p *placed) any { return &p.Address }), F("attrs", func(p *placed) any { return &p.attrs }).Tag("attributes"),
			F("Tag", func(p *placed) any { return &p.Tag }), F("doc", func(p *placed) any { return &p.doc }).Tag("doc"), Skip[placed]("at")),
		"another's address": NewObject(F("Address", func(p *placed) any { return &p.Address }), F("attrs", func(p *placed) any { return &p.Tag }).Tag("attributes"),
			F("Tag", func(p *placed) any { return &p.Tag }), Skip[placed]("doc"), Skip[placed]("at")),
	}
	for name, o := range bad {
		if o.Check() == nil {
			t.Errorf("%s: NewObject accepted it", name)
		}
	}
}
