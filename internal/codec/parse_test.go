package codec

import (
	"encoding/json"
	"strconv"
	"testing"
	"unsafe"
)

// parsed holds a count in a form of its own (Parse and Load), as
// state.Resource holds a digest as its bytes: here an int, from a JSON
// string of digits.
type parsed struct {
	Address string `json:"address"`
	count   int    // "count", omitempty: a string of digits
	Tag     string `json:"tag,omitempty"`
}

func (p *parsed) load() (json.RawMessage, error) {
	if p.count == 0 {
		return nil, nil
	}
	return json.Marshal(strconv.Itoa(p.count))
}

// parse reads a string of digits; it refuses anything else, as the
// UnmarshalJSON below does.
func (p *parsed) parse(v []byte) bool {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return false
	}
	n, err := strconv.Atoi(s)
	p.count = n
	v[0] = 'X' // lent: the decoder keeps nothing of it
	return err == nil
}

type parsedJSON struct {
	Address string `json:"address"`
	Count   string `json:"count,omitempty"`
	Tag     string `json:"tag,omitempty"`
}

func (p *parsed) UnmarshalJSON(data []byte) error {
	var w parsedJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*p = parsed{Address: w.Address, Tag: w.Tag}
	if w.Count != "" {
		n, err := strconv.Atoi(w.Count)
		if err != nil {
			return err
		}
		p.count = n
	}
	return nil
}

var parsedCodec = NewObject(
	F("Address", func(p *parsed) any { return &p.Address }),
	F("count", func(p *parsed) any { return &p.count }).Tag("count,omitempty").Load((*parsed).load).Parse((*parsed).parse),
	F("Tag", func(p *parsed) any { return &p.Tag }),
)

// A Parsed field is decoded through its Parse on the fast path, the value
// lent; a value Parse refuses sends the object to json.Unmarshal, which
// reads or refuses it through T's UnmarshalJSON; it is encoded through its
// Load. A Parsed field that is also Stored, or has no Load, is refused.
func TestParsedField(t *testing.T) {
	if err := parsedCodec.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc   string
		count int
		fast  bool
		err   bool
	}{
		{doc: `{"address":"a","count":"12","tag":"t"}`, count: 12, fast: true},
		{doc: `{"address":"a", "count" : "7" }`, count: 7, fast: true},
		{doc: `{"address":"a","tag":"t"}`, fast: true},
		{doc: `{"address":"a","count":"\u0031"}`, count: 1, fast: true},
		{doc: `{"address":"a","count":12}`, err: true},
		{doc: `{"address":"a","count":"x"}`, err: true},
	} {
		doc := []byte(c.doc)
		var fast parsed
		ok := parsedCodec.NewDecoder().DecodeFast(append([]byte(nil), doc...), &fast)
		var got parsed
		err := parsedCodec.NewDecoder().Decode(doc, &got)
		if ok != c.fast || (err != nil) != c.err || string(doc) != c.doc {
			t.Errorf("%s: fast %v, error %v, document now %s", c.doc, ok, err, doc)
			continue
		}
		if c.err {
			continue
		}
		if got.count != c.count || ok && fast.count != c.count {
			t.Errorf("%s: count %d (fast %d), want %d", c.doc, got.count, fast.count, c.count)
		}
		out, err := parsedCodec.NewEncoder().Append(nil, &got)
		want := `{"address":"a"` + map[bool]string{true: `,"count":"` + strconv.Itoa(c.count) + `"`}[c.count != 0] + map[bool]string{true: `,"tag":"t"`}[got.Tag == "t"] + "}"
		if err != nil || string(out) != want {
			t.Errorf("%s: written as %s (%v), want %s", c.doc, out, err, want)
		}
	}
	noLoad := NewObject(
		F("Address", func(p *parsed) any { return &p.Address }),
		F("count", func(p *parsed) any { return &p.count }).Tag("count,omitempty").Parse((*parsed).parse),
		F("Tag", func(p *parsed) any { return &p.Tag }),
	)
	if noLoad.Check() == nil {
		t.Error("a Parsed field without Load is accepted")
	}
}

// compactIn gives what compactValue gives, ending at the same place and
// failing alike; a value written compact is the document's own bytes, not
// a copy, and any other is compacted into the scratch buffer.
func TestCompactInIsCompactValue(t *testing.T) {
	for _, doc := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"e\"f\\u0041"},"g":-1.5e+3}`,
		`{"a": 1}`,
		"[1,\n2]",
		`"plain"`,
		`"tab\tinside"`,
		`""`,
		`0`,
		`-0.0e-0`,
		`null`,
		`true`,
		`{}`,
		`[]`,
		`{ }`,
		`[[[[]]]]`,
		`{"a":1,}`,
		`{"a" 1}`,
		`[1 2]`,
		`01`,
		`"\x"`,
		`"\u12"`,
		`tru`,
		`{"a":[1,2,{"b":"c"}],"d":"é"}  `,
		`  {"a":1}`,
	} {
		data := []byte(doc + `,"after"`)
		want := reader{data: data}
		wantC, wantOK := want.compactValue(nil, 0)
		got := reader{data: data}
		scratch := make([]byte, 0, 4)
		c, buf, ok := got.compactIn(scratch)
		if ok != wantOK || got.i != want.i || (ok && string(c) != string(wantC)) {
			t.Errorf("%q: compactIn %q, %v, at %d; compactValue %q, %v, at %d", doc, c, ok, got.i, wantC, wantOK, want.i)
			continue
		}
		if !ok {
			continue
		}
		start := want.i - len(c)
		inDocument := start >= 0 && string(data[start:want.i]) == string(wantC)
		switch {
		case inDocument && unsafe.SliceData(c) != &data[start]:
			t.Errorf("%q: written compact, but copied", doc)
		case !inDocument && (len(buf) == 0 || unsafe.SliceData(c) != unsafe.SliceData(buf)):
			t.Errorf("%q: compacted elsewhere than in the scratch buffer", doc)
		}
	}
}
