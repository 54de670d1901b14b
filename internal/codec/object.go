package codec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Object is a JSON codec for the struct type T, written for the records a
// state holds by the hundred thousand: its Decoder reads and its Encoder
// writes a T several times faster than encoding/json, which walks each
// value by reflection and checks it with a scanner that costs more than
// the rest. Both give what encoding/json gives (see the package doc); for
// anything they were not written for they decline, and encoding/json does
// the work.
//
// The fields are listed by the caller, in T's order, each with the address
// of the field in a T; NewObject checks the list against T's fields, types
// and JSON tags by reflection. An unexported field is either a
// json.RawMessage given a JSON tag (Tag), which T's own MarshalJSON and
// UnmarshalJSON must write and read as encoding/json would an exported
// one, or no part of the JSON (Skip). A field whose type is string, bool,
// json.RawMessage, []string or time.Time is read and written here; any
// other type by encoding/json, field by field. Tags may say a name and
// omitempty, nothing else.
//
// An Object is immutable and safe for concurrent use; its Decoders and
// Encoders are not (one per goroutine).
type Object[T any] struct {
	fields []field[T]
	// err says why fields do not describe T (Check); the codec then
	// declines everything, and encoding/json reads and writes every T:
	// slower, but nothing is lost or misread.
	err error
}

// Field is one field of T, as NewObject takes it.
type Field[T any] struct {
	name   string
	ptr    func(*T) any
	shared bool
	skip   bool
	tag    string // an unexported field's JSON tag (Tag)
	load   func(*T) (json.RawMessage, error)
	emit   func(v *T, dst []byte) ([]byte, error)
	place  func(v *T, value []byte, off int64) bool
	store  func(v *T, value json.RawMessage)
	parse  func(v *T, value []byte) bool
	within func(*T) string
	// via and get, for a field of a struct T points to (Via): the field
	// as Via found it, and its address without allocating the struct
	// (nil when T points to none).
	via *viaField
	get func(*T) any
}

// Via describes a field of a struct S that T holds through a pointer, for
// fields seldom set: ptr returns the address of T's pointer field (which
// is Skipped), nil while all of S's fields are empty; f is the field as F
// describes it in S (it may be Shared). The decoder makes the S when it
// meets one of its keys, and lets go of it again when all its fields are
// zero once the object is read (as encoding/json, through T's own
// UnmarshalJSON, leaves none). The field is listed among T's where its key
// comes in T's JSON (the order in which T's MarshalJSON writes it), and
// must be tagged omitempty: the encoder leaves it out while T has no S.
func Via[T, S any](ptr func(*T) **S, f Field[S]) Field[T] {
	return ViaFrom(ptr, nil, f)
}

// ViaFrom is Via with the S the decoder makes taken from alloc (nil: new),
// which must return a zero S: a caller that lets go of a record's S once
// the record is decoded (giving it one S shared with others) hands it to
// alloc again rather than leave it to the collector.
func ViaFrom[T, S any](ptr func(*T) **S, alloc func() *S, f Field[S]) Field[T] {
	if alloc == nil {
		alloc = func() *S { return new(S) }
	}
	out := Field[T]{name: f.name, shared: f.shared, via: &viaField{}}
	st := reflect.TypeFor[S]()
	sf, ok := st.FieldByName(f.name)
	switch {
	case st.Kind() != reflect.Struct || ptr == nil || f.ptr == nil || f.skip || f.load != nil || f.place != nil || f.store != nil || f.parse != nil || f.within != nil || f.tag != "":
		out.via.err = fmt.Errorf("%s is not described as a field of %s", f.name, st)
		return out
	case !ok || !sf.IsExported() || len(sf.Index) != 1:
		out.via.err = fmt.Errorf("%s has no exported field %s", st, f.name)
		return out
	}
	var zero S
	p := reflect.ValueOf(f.ptr(&zero))
	if p.Kind() != reflect.Pointer || p.Type().Elem() != sf.Type || p.Pointer() != reflect.ValueOf(&zero).Elem().FieldByIndex(sf.Index).UnsafeAddr() {
		out.via.err = fmt.Errorf("the address given for %s is not its own", f.name)
		return out
	}
	out.via.typ, out.via.tag, out.via.ptrType = sf.Type, sf.Tag.Get("json"), reflect.TypeFor[*S]()
	out.via.holder = func(v any) any { return ptr(v.(*T)) }
	fp := f.ptr
	out.ptr = func(v *T) any {
		pp := ptr(v)
		if *pp == nil {
			*pp = alloc()
		}
		return fp(*pp)
	}
	out.get = func(v *T) any {
		if s := *ptr(v); s != nil {
			return fp(s)
		}
		return nil
	}
	out.via.drop = func(v any) {
		if pp := ptr(v.(*T)); *pp != nil && reflect.ValueOf(*pp).Elem().IsZero() {
			*pp = nil
		}
	}
	return out
}

// viaField is what Via found of a field of the struct T points to.
type viaField struct {
	typ     reflect.Type
	tag     string
	ptrType reflect.Type    // *S
	holder  func(v any) any // the address of v's *S (v a *T)
	drop    func(v any)     // lets go of v's S when all its fields are zero
	err     error           // why the field is not S's
}

// Skip describes T's unexported field named name that is no part of its
// JSON (encoding/json does not see it either): the codec neither reads nor
// writes it.
func Skip[T any](name string) Field[T] {
	return Field[T]{name: name, skip: true}
}

// Tag gives an unexported json.RawMessage field the JSON tag it would have
// if exported (go vet refuses a tag on an unexported field): its key, and
// omitempty.
func (f Field[T]) Tag(tag string) Field[T] {
	f.tag = tag
	return f
}

// Load makes the encoder read a json.RawMessage field's value with load
// rather than from the field, which may be empty while the value is kept
// elsewhere (a span of a file). An error of load makes the encoder decline
// the value: json.Encoder then writes it, through T's MarshalJSON, which
// must read it the same way and return the error.
func (f Field[T]) Load(load func(*T) (json.RawMessage, error)) Field[T] {
	f.load = load
	return f
}

// Emit makes the encoder append a Loaded field's value with emit, which
// appends it to dst as compact JSON (nothing for an empty value), rather
// than copy what load returns: load makes each value a slice of its own
// (a digest's text, a time's), and a state of two million records was
// two million of them each time it was written. Load stays what the
// decoder and T's MarshalJSON read; the two must give the same bytes. An
// error of emit makes the encoder decline the value, as one of load does.
func (f Field[T]) Emit(emit func(v *T, dst []byte) ([]byte, error)) Field[T] {
	f.emit = emit
	return f
}

// Place lets a json.RawMessage field's value stay where it is: when the
// decoder knows where the object it decodes lies in a document
// (DecodeStream) and the field's value is there already compacted, it
// calls place with the value (valid JSON, compact; place must not keep
// it) and its offset in the document instead of copying it; place reports
// false to have it copied as usual.
// The field is then left empty: the caller keeps the document and reads the
// value from it (Load).
func (f Field[T]) Place(place func(v *T, value []byte, off int64) bool) Field[T] {
	f.place = place
	return f
}

// Store makes an unexported field hold a JSON value in a form of its own
// (not a json.RawMessage: a smaller one): the decoder sets it with store
// (value compacted, the field's to keep) instead of through its address,
// and the encoder reads it with Load, which such a field must have too. It
// is read and written as a json.RawMessage field would be, and may be
// Placed. The field's JSON tag is given with Tag.
func (f Field[T]) Store(store func(v *T, value json.RawMessage)) Field[T] {
	f.store = store
	return f
}

// Parse makes an unexported field hold a JSON value in a form of its own
// that keeps none of the value's bytes (a digest's 32 bytes for its 78
// characters of text), as Store does, except that the value (compacted)
// is lent to parse, not given: the decoder copies it nowhere. parse
// reports false for a value the field cannot hold (a number where a
// string belongs): the decoder declines the object, and json.Unmarshal
// reads it through T's UnmarshalJSON, which must set the field and fail as
// it would for an exported one. The encoder reads it with Load, which the
// field must have too; its JSON tag is given with Tag.
func (f Field[T]) Parse(parse func(v *T, value []byte) bool) Field[T] {
	f.parse = parse
	return f
}

// Within lets a json.RawMessage field's value share the bytes of a string
// of the same T that spells it (an index key, "p0000000" with its quotes,
// within an address, usapi_account.person["p0000000"]): when the string
// within returns, read before the value, holds the value's bytes
// (compacted), the decoder makes the field a slice of them instead of a
// copy. Its capacity is its length, so appending to it copies it; nothing
// must write over it in place (it is a string's memory).
func (f Field[T]) Within(within func(*T) string) Field[T] {
	f.within = within
	return f
}

// F describes T's field named name (its Go name); ptr returns the field's
// address in the T it is given: F("Address", func(r *Resource) any { return &r.Address }).
func F[T any](name string, ptr func(*T) any) Field[T] {
	return Field[T]{name: name, ptr: ptr}
}

// Shared makes the decoder share the field's strings (a string, or a
// []string's elements) between the records it decodes: for strings that
// many records repeat (a type, a provider name), which 100,000 records then
// hold once instead of 100,000 times.
func (f Field[T]) Shared() Field[T] {
	f.shared = true
	return f
}

// kind is how a field is read and written.
type kind int

const (
	kindString  kind = iota // string
	kindBool                // bool
	kindRaw                 // json.RawMessage, kept compacted
	kindStrings             // []string
	kindTime                // time.Time, as its MarshalJSON and UnmarshalJSON do
	kindOther               // anything else: encoding/json, field by field
)

// field is a Field checked against T.
type field[T any] struct {
	// prefix is what precedes the value when encoding: `,"name":` (the
	// comma left out before the first field written).
	prefix    string
	key       string
	omitEmpty bool
	kind      kind
	ptr       func(*T) any
	shared    bool
	load      func(*T) (json.RawMessage, error)
	emit      func(v *T, dst []byte) ([]byte, error) // appends what load returns (Emit)
	place     func(v *T, value []byte, off int64) bool
	store     func(v *T, value json.RawMessage) // a Stored field: set through it, read through load
	parse     func(v *T, value []byte) bool     // a Parsed field: set through it, read through load
	within    func(*T) string                   // a string that may hold the value's bytes (Within)
	// get, for a field Via a pointer, is its address without allocating
	// it, nil when T has none (ptr allocates); nil for T's own fields.
	// drop lets go of the struct it is in when all its fields are zero.
	get  func(*T) any
	drop func(any)
}

// addr returns the field's address in v, for reading it: false for a
// field Via a pointer that v does not have (the field is then empty).
func (f *field[T]) addr(v *T) (any, bool) {
	if f.get == nil {
		return f.ptr(v), true
	}
	p := f.get(v)
	return p, p != nil
}

// maxFields is how many fields the decoder's set of fields met holds.
const maxFields = 64

// NewObject returns the codec of T with the given fields, which must be
// all of T's, in T's order. Should they not describe T (T changed and the
// list did not follow), the Object declines every value, encoding/json
// does all the work, and Check says why.
func NewObject[T any](fields ...Field[T]) *Object[T] {
	o := &Object[T]{}
	o.fields, o.err = checkFields(fields)
	if o.err != nil {
		o.fields = nil
		o.err = fmt.Errorf("the fields listed for %s do not describe it: %w", reflect.TypeFor[T](), o.err)
	}
	return o
}

// Check reports why the fields given to NewObject do not describe T, or
// nil. A test of each Object calls it: until it passes, the fast codec is
// off.
func (o *Object[T]) Check() error { return o.err }

func checkFields[T any](fields []Field[T]) ([]field[T], error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s is not a struct", t)
	}
	own := 0 // T's own fields listed
	for _, f := range fields {
		if f.via == nil {
			own++
		}
	}
	if t.NumField() != own {
		return nil, fmt.Errorf("%s has %d fields, %d are listed", t, t.NumField(), own)
	}
	if len(fields) > maxFields {
		return nil, fmt.Errorf("more than %d fields", maxFields)
	}
	var zero T
	base := reflect.ValueOf(&zero).Elem()
	out := make([]field[T], 0, len(fields))
	keys := map[string]bool{}
	i := -1 // the index of T's own field being checked
	for n, f := range fields {
		if f.via != nil {
			vf, err := checkVia(f)
			if err != nil {
				return nil, err
			}
			if keys[strings.ToLower(vf.key)] {
				return nil, fmt.Errorf("%s has the key %q twice", t, vf.key)
			}
			keys[strings.ToLower(vf.key)] = true
			out = append(out, vf)
			continue
		}
		i++
		sf := t.Field(i)
		if sf.Name != f.name {
			return nil, fmt.Errorf("field %d is %s, listed as %s", n+1, sf.Name, f.name)
		}
		if sf.Anonymous {
			return nil, fmt.Errorf("%s is not a named field", sf.Name)
		}
		if f.skip {
			if sf.IsExported() {
				return nil, fmt.Errorf("%s is exported, and encoding/json writes it: it cannot be skipped", sf.Name)
			}
			continue
		}
		if f.ptr == nil {
			return nil, fmt.Errorf("the address given for %s is not its own", sf.Name)
		}
		p := reflect.ValueOf(f.ptr(&zero))
		if p.Kind() != reflect.Pointer || p.Type().Elem() != sf.Type || p.Pointer() != base.Field(i).UnsafeAddr() {
			return nil, fmt.Errorf("the address given for %s is not its own", sf.Name)
		}
		tag := sf.Tag.Get("json")
		if !sf.IsExported() {
			tag = f.tag
		} else if f.tag != "" {
			return nil, fmt.Errorf("%s is exported, and is given a tag besides its own", sf.Name)
		}
		key, opts, _ := strings.Cut(tag, ",")
		stored := f.store != nil || f.parse != nil
		if stored && (sf.IsExported() || f.load == nil) {
			return nil, fmt.Errorf("%s is Stored or Parsed, and is exported or has no Load", sf.Name)
		}
		if f.parse != nil && (f.store != nil || f.place != nil || f.within != nil) {
			return nil, fmt.Errorf("%s is Parsed, and stored, placed or within a string", sf.Name)
		}
		if !sf.IsExported() && (sf.Type != reflect.TypeFor[json.RawMessage]() && !stored || key == "" || key == "-") {
			return nil, fmt.Errorf("%s is unexported, and not a json.RawMessage or Stored field given a JSON key", sf.Name)
		}
		if key == "" {
			key = sf.Name
		}
		if !plainKey(key) || opts != "" && opts != "omitempty" || keys[strings.ToLower(key)] {
			return nil, fmt.Errorf("%s has the tag %q, which this codec does not handle", sf.Name, tag)
		}
		keys[strings.ToLower(key)] = true
		k := kindOf(sf.Type)
		if stored {
			k = kindRaw // read and written as a json.RawMessage, through store and load
		}
		if f.shared && k != kindString && k != kindStrings {
			return nil, fmt.Errorf("%s is shared, and is neither a string nor a []string", sf.Name)
		}
		if f.emit != nil && f.load == nil {
			return nil, fmt.Errorf("%s is emitted, and not loaded", sf.Name)
		}
		if (f.load != nil || f.place != nil || f.within != nil) && k != kindRaw {
			return nil, fmt.Errorf("%s is loaded, placed or within a string, and is not a json.RawMessage", sf.Name)
		}
		if f.within != nil && (f.store != nil || f.place != nil) {
			return nil, fmt.Errorf("%s is within a string, and stored or placed", sf.Name)
		}
		out = append(out, field[T]{prefix: `,"` + key + `":`, key: key, omitEmpty: opts == "omitempty", kind: k, ptr: f.ptr, shared: f.shared,
			load: f.load, emit: f.emit, place: f.place, store: f.store, parse: f.parse, within: f.within})
	}
	if len(out) > maxFields {
		return nil, fmt.Errorf("more than %d fields", maxFields)
	}
	// Every field of a struct held through a pointer is listed: one left
	// out would be neither read nor written.
	listed := map[reflect.Type]int{}
	for _, f := range fields {
		if f.via != nil {
			listed[f.via.ptrType]++
		}
	}
	for pt, n := range listed {
		if exported := exportedFields(pt.Elem()); exported != n {
			return nil, fmt.Errorf("%s has %d exported fields, %d are listed", pt.Elem(), exported, n)
		}
	}
	return out, nil
}

// exportedFields is how many of t's fields are exported: those of a
// struct held through a pointer (Via) are listed, its unexported ones are
// no part of its JSON (encoding/json does not see them either).
func exportedFields(t reflect.Type) int {
	n := 0
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			n++
		}
	}
	return n
}

// checkVia checks a field Via a pointer: S's, tagged omitempty (a T that
// has no S writes none of its fields), of a kind the decoder reads, held
// through an unexported field of T (which checkFields requires Skipped).
func checkVia[T any](f Field[T]) (field[T], error) {
	if f.via.err != nil {
		return field[T]{}, f.via.err
	}
	key, opts, _ := strings.Cut(f.via.tag, ",")
	if key == "" {
		key = f.name
	}
	if key == "-" || !plainKey(key) || opts != "omitempty" {
		return field[T]{}, fmt.Errorf("%s, held through a pointer, has the tag %q: it must be omitempty", f.name, f.via.tag)
	}
	k := kindOf(f.via.typ)
	if f.shared && k != kindString && k != kindStrings {
		return field[T]{}, fmt.Errorf("%s is shared, and is neither a string nor a []string", f.name)
	}
	var zero T
	h := reflect.ValueOf(f.via.holder(&zero))
	held := false
	for i := range reflect.TypeFor[T]().NumField() {
		sf := reflect.TypeFor[T]().Field(i)
		if sf.Type == f.via.ptrType && !sf.IsExported() && reflect.ValueOf(&zero).Elem().Field(i).UnsafeAddr() == h.Pointer() {
			held = true
		}
	}
	if !held {
		return field[T]{}, fmt.Errorf("%s is not held through an unexported pointer field of %s", f.name, reflect.TypeFor[T]())
	}
	return field[T]{prefix: `,"` + key + `":`, key: key, omitEmpty: true, kind: k, ptr: f.ptr, shared: f.shared, get: f.get, drop: f.via.drop}, nil
}

// plainKey reports whether a JSON key needs no escape and no care: ASCII
// letters, digits, '_' and '-'.
func plainKey(key string) bool {
	for _, c := range []byte(key) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return key != ""
}

func kindOf(t reflect.Type) kind {
	switch t {
	case reflect.TypeFor[string]():
		return kindString
	case reflect.TypeFor[bool]():
		return kindBool
	case reflect.TypeFor[json.RawMessage]():
		return kindRaw
	case reflect.TypeFor[[]string]():
		return kindStrings
	case reflect.TypeFor[time.Time]():
		return kindTime
	}
	return kindOther
}

// fieldIndex returns the index of the field with the JSON key key, or -1.
// Keys usually come in the fields' order: next, the field after the last
// one met, is tried first.
func (o *Object[T]) fieldIndex(key []byte, next int) int {
	if next < len(o.fields) && o.fields[next].key == string(key) {
		return next
	}
	for i := range o.fields {
		if o.fields[i].key == string(key) { // the conversion does not allocate
			return i
		}
	}
	return -1
}
