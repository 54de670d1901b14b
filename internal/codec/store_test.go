package codec

import (
	"encoding/json"
	"testing"
)

// stored holds its attributes in a form of its own (Store and Load), as
// state.Resource does (a pointer and a length, or a span of a file): here
// a string, with a count of the values stored.
type stored struct {
	Address string  `json:"address"`
	attrs   *string // "attributes", omitempty
	Tag     string  `json:"tag,omitempty"`
}

func (s *stored) load() (json.RawMessage, error) {
	if s.attrs == nil {
		return nil, nil
	}
	return json.RawMessage(*s.attrs), nil
}

func (s *stored) store(v json.RawMessage) {
	if v == nil {
		s.attrs = nil
		return
	}
	a := string(v)
	s.attrs = &a
}

// UnmarshalJSON and MarshalJSON read and write it as encoding/json would a
// struct of its fields, the attributes exported.
type storedJSON struct {
	Address    string          `json:"address"`
	Attributes json.RawMessage `json:"attributes,omitempty"`
	Tag        string          `json:"tag,omitempty"`
}

func (s *stored) UnmarshalJSON(data []byte) error {
	var w storedJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*s = stored{Address: w.Address, Tag: w.Tag}
	s.store(w.Attributes)
	return nil
}

func (s stored) MarshalJSON() ([]byte, error) {
	a, _ := s.load()
	return json.Marshal(storedJSON{Address: s.Address, Attributes: a, Tag: s.Tag})
}

var storedCodec = NewObject(
	F("Address", func(s *stored) any { return &s.Address }),
	F("attrs", func(s *stored) any { return &s.attrs }).Tag("attributes,omitempty").Load((*stored).load).Store((*stored).store),
	F("Tag", func(s *stored) any { return &s.Tag }),
)

// A Stored field is decoded through its Store, compacted, on the fast path
// and on encoding/json's (a \u escape sends a record there: Tidy), and
// encoded through its Load, as encoding/json writes the value.
func TestStoredField(t *testing.T) {
	if err := storedCodec.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc, attrs string
		none, fast bool
	}{
		{doc: `{"address":"a","attributes":{"i":1,"s":"x y"},"tag":"t"}`, attrs: `{"i":1,"s":"x y"}`, fast: true},
		{doc: `{"address":"a", "attributes": { "i" : [1, 2] , "s":"x y" } }`, attrs: `{"i":[1,2],"s":"x y"}`, fast: true},
		{doc: `{"address":"a","tag":"t"}`, none: true, fast: true},
		{doc: `{"address":"\u0061", "attributes": { "i" : [1, 2] , "s":"x\u0020y" } }`, attrs: `{"i":[1,2],"s":"x\u0020y"}`},
		{doc: `{"address":"a","attributes":{"i":1},"tag":"\u0074"}`, attrs: `{"i":1}`},
	} {
		d := storedCodec.NewDecoder()
		var fast stored
		if ok := d.DecodeFast([]byte(c.doc), &fast); ok != c.fast {
			t.Fatalf("%s: decoded fast %v, want %v", c.doc, ok, c.fast)
		}
		var got stored
		if err := d.Decode([]byte(c.doc), &got); err != nil {
			t.Fatal(err)
		}
		a, _ := got.load()
		if c.none != (got.attrs == nil) || string(a) != c.attrs || got.Address != "a" {
			t.Fatalf("%s: decoded %q %q, want %q", c.doc, got.Address, a, c.attrs)
		}
		enc, err := storedCodec.NewEncoder().Append(nil, &got)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(got)
		if string(enc) != string(want) {
			t.Fatalf("%s: encoded\n%s\nencoding/json:\n%s", c.doc, enc, want)
		}
		if _, ok := storedCodec.NewEncoder().AppendFast(nil, &got); !ok {
			t.Fatalf("%s: the fast encoder declined", c.doc)
		}
	}
}

// A Stored field must have a Load and be unexported; a json.RawMessage
// field need not be Stored.
func TestObjectChecksStoredFields(t *testing.T) {
	type exported struct {
		Attrs json.RawMessage `json:"attributes"`
	}
	bad := map[string]error{
		"no load": NewObject(F("Address", func(s *stored) any { return &s.Address }),
			F("attrs", func(s *stored) any { return &s.attrs }).Tag("attributes,omitempty").Store((*stored).store),
			F("Tag", func(s *stored) any { return &s.Tag })).Check(),
		"not stored": NewObject(F("Address", func(s *stored) any { return &s.Address }),
			F("attrs", func(s *stored) any { return &s.attrs }).Tag("attributes,omitempty").Load((*stored).load),
			F("Tag", func(s *stored) any { return &s.Tag })).Check(),
		"exported": NewObject(F("Attrs", func(e *exported) any { return &e.Attrs }).
			Load(func(*exported) (json.RawMessage, error) { return nil, nil }).Store(func(*exported, json.RawMessage) {})).Check(),
	}
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s: NewObject accepted it", name)
		}
	}
}
