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

// rare holds fields of withRare seldom set, as state.Resource's
// resourceMore does.
type rare struct {
	Module string   `json:"module,omitempty"`
	Deps   []string `json:"deps,omitempty"`
}

// loud is a struct held through a pointer whose field is not omitempty.
type loud struct {
	Note string `json:"note"`
}

type withLoud struct {
	Address string `json:"address"`
	more    *loud
}

type withRare struct {
	Address string `json:"address"`
	Tag     string `json:"tag,omitempty"`
	more    *rare
}

// MarshalJSON writes it as encoding/json writes a struct of its fields in
// the JSON's order: address, module, tag, deps (HTML characters left as
// they are, as state.Resource's does).
func (w withRare) MarshalJSON() ([]byte, error) {
	var m rare
	if w.more != nil {
		m = *w.more
	}
	x := struct {
		Address string   `json:"address"`
		Module  string   `json:"module,omitempty"`
		Tag     string   `json:"tag,omitempty"`
		Deps    []string `json:"deps,omitempty"`
	}{w.Address, m.Module, w.Tag, m.Deps}
	return NewJSON("", "").Append(nil, &x) // HTML characters as they are, as the encoder writes them
}

func rareOf(w *withRare) **rare { return &w.more }

// UnmarshalJSON reads it as encoding/json would a struct of its fields,
// making a rare only for fields that are not empty.
func (w *withRare) UnmarshalJSON(data []byte) error {
	var m rare
	if w.more != nil {
		m = *w.more
	}
	x := struct {
		Address string   `json:"address"`
		Module  string   `json:"module,omitempty"`
		Tag     string   `json:"tag,omitempty"`
		Deps    []string `json:"deps,omitempty"`
	}{w.Address, m.Module, w.Tag, m.Deps}
	if err := json.Unmarshal(data, &x); err != nil {
		return err
	}
	*w = withRare{Address: x.Address, Tag: x.Tag}
	if x.Module != "" || x.Deps != nil {
		w.more = &rare{Module: x.Module, Deps: x.Deps}
	}
	return nil
}

func rareCodec(fields ...Field[withRare]) *Object[withRare] {
	if fields == nil {
		fields = []Field[withRare]{
			F("Address", func(w *withRare) any { return &w.Address }),
			Via(rareOf, F("Module", func(r *rare) any { return &r.Module }).Shared()),
			F("Tag", func(w *withRare) any { return &w.Tag }),
			Via(rareOf, F("Deps", func(r *rare) any { return &r.Deps }).Shared()),
			Skip[withRare]("more"),
		}
	}
	return NewObject(fields...)
}

// Fields held through a pointer are read into the struct it points to,
// made when one of its keys is met, wherever the key comes among the
// others', and written where they are listed, none while there is no
// struct.
func TestViaFields(t *testing.T) {
	c := rareCodec()
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		`{"address":"a","tag":"t"}`,
		`{"address":"a","module":"m","tag":"t","deps":["x","y"]}`,
		`{"address":"a","deps":[]}`,
		`{"address":"a","module":"m"}`,
		`{"address":"a","module":"","tag":"t"}`, // no struct kept for an empty field
	} {
		var got withRare
		if !c.NewDecoder().DecodeFast([]byte(doc), &got) {
			t.Fatalf("%s: declined", doc)
		}
		var want struct {
			Address, Module, Tag string
			Deps                 []string
		}
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		var m rare
		if got.more != nil {
			m = *got.more
		}
		if got.Address != want.Address || got.Tag != want.Tag || m.Module != want.Module || len(m.Deps) != len(want.Deps) ||
			(got.more != nil) != (want.Module != "" || want.Deps != nil) {
			t.Fatalf("%s: read %+v %+v", doc, got, got.more)
		}
		enc, ok := c.NewEncoder().AppendFast(nil, &got)
		if !ok {
			t.Fatalf("%s: the fast encoder declined", doc)
		}
		byJSON, _ := json.Marshal(got)
		if string(enc) != string(byJSON) {
			t.Fatalf("%s: encoded\n%s\nencoding/json:\n%s", doc, enc, byJSON)
		}
	}
}

// elsewhere is a pointer no withRare holds.
var elsewhere *rare

// A field held through a pointer must be the pointed struct's, at the
// address given, tagged omitempty, held through the struct's own field.
func TestObjectChecksViaFields(t *testing.T) {
	addr := F[withRare]("Address", func(w *withRare) any { return &w.Address })
	tag := F[withRare]("Tag", func(w *withRare) any { return &w.Tag })
	skip := Skip[withRare]("more")
	mod := Via(rareOf, F("Module", func(r *rare) any { return &r.Module }))
	deps := Via(rareOf, F("Deps", func(r *rare) any { return &r.Deps }))
	if err := rareCodec(addr, mod, tag, deps, skip).Check(); err != nil {
		t.Fatal(err) // each case below breaks one thing of this list
	}
	bad := map[string]*Object[withRare]{
		"a field left out":  rareCodec(addr, mod, tag, skip),
		"another's address": rareCodec(addr, Via(rareOf, F("Module", func(r *rare) any { return &r.Deps })), tag, deps, skip),
		"no such field":     rareCodec(addr, Via(rareOf, F("Other", func(r *rare) any { return &r.Module })), tag, deps, skip),
		"a pointer not the struct's": rareCodec(addr, Via(func(*withRare) **rare { return &elsewhere },
			F("Module", func(r *rare) any { return &r.Module })), tag, deps, skip),
		"the pointer not skipped": rareCodec(addr, mod, tag, deps),
		"a key twice":             rareCodec(addr, mod, mod, tag, deps, skip),
	}
	for name, o := range bad {
		if o.Check() == nil {
			t.Errorf("%s: NewObject accepted it", name)
		}
	}
	notOmitEmpty := NewObject(F("Address", func(w *withLoud) any { return &w.Address }),
		Via(func(w *withLoud) **loud { return &w.more }, F("Note", func(l *loud) any { return &l.Note })), Skip[withLoud]("more"))
	if notOmitEmpty.Check() == nil {
		t.Error("a field not omitempty held through a pointer: NewObject accepted it")
	}
}
