package codec

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sync/errgroup"
)

// Decoder reads JSON objects into values of T (Object.NewDecoder). It
// shares the strings of Shared fields between the values it decodes, and
// carves their json.RawMessage fields, compacted, from large blocks. Not
// safe for concurrent use: one per goroutine.
type Decoder[T any] struct {
	o       *Object[T]
	strings interner
	lists   lists
	bytes   slab
	scratch []byte // a value being compacted or unescaped
	list    []string
	// base is where the object being decoded begins in its document, for
	// the fields that Place their values; -1 when not known.
	base int64
}

// NewDecoder returns a decoder of o's values.
func (o *Object[T]) NewDecoder() *Decoder[T] {
	return &Decoder[T]{o: o, strings: interner{}, lists: lists{m: map[string][]string{}}, base: -1}
}

// Decode sets *v to what json.Unmarshal decodes from data into a zero T,
// with the json.RawMessage fields compacted (json.Compact) and the Shared
// strings shared, and returns json.Unmarshal's error. The objects daftar
// writes are read by the decoder written for them; anything else (an
// unknown or repeated key, a key in another case, a null, a \u escape, a
// string that is not UTF-8, anything invalid) by json.Unmarshal.
func (d *Decoder[T]) Decode(data []byte, v *T) error {
	var zero T
	*v = zero
	return d.decodeZero(data, v)
}

// decodeZero is Decode of a *v that is already zero (a value of a block
// just made): clearing it again touches memory the decoder is about to
// write, and cost a tenth of a load of 200,000 records.
func (d *Decoder[T]) decodeZero(data []byte, v *T) error {
	if d.fast(data, v) {
		d.o.dropEmpty(v)
		return nil
	}
	var zero T
	*v = zero
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	d.Tidy(v)
	return nil
}

// dropEmpty lets go of the structs v holds fields Via whose fields are all
// zero: the decoder made one for a key whose value was empty ("module":
// "", "paths": null), where json.Unmarshal, through T's UnmarshalJSON,
// makes none.
func (o *Object[T]) dropEmpty(v *T) {
	for i := range o.fields {
		if f := &o.fields[i]; f.drop != nil {
			f.drop(v)
		}
	}
}

// Tidy shares the Shared strings of a T decoded by json.Unmarshal and
// compacts its json.RawMessage fields, as Decode leaves them.
func (d *Decoder[T]) Tidy(v *T) {
	defer d.o.dropEmpty(v)
	for _, f := range d.o.fields {
		if f.get != nil && f.get(v) == nil {
			continue // held through a pointer v does not have: empty
		}
		switch f.kind {
		case kindString:
			if f.shared {
				p := f.ptr(v).(*string)
				*p = d.strings.share(*p)
			}
		case kindStrings:
			if f.shared {
				p := *f.ptr(v).(*[]string)
				for i, s := range p {
					p[i] = d.strings.share(s)
				}
			}
		case kindRaw:
			if f.parse != nil {
				continue // set by T's UnmarshalJSON, in its own form
			}
			if f.store != nil {
				// What the value's UnmarshalJSON set; an error of load
				// (a value left in a file that cannot be read back) leaves
				// it as it is.
				if raw, err := f.load(v); err == nil && len(raw) > 0 {
					if c := d.compacted(raw); &c[0] != &raw[0] {
						f.store(v, c)
					}
				}
				continue
			}
			p := f.ptr(v).(*json.RawMessage)
			*p = d.compacted(*p)
		}
	}
}

// compacted returns v without whitespace between its tokens. v is valid
// JSON (json.Unmarshal checked it).
func (d *Decoder[T]) compacted(v json.RawMessage) json.RawMessage {
	if !hasSpaceOutsideStrings(v) {
		return v
	}
	buf := bytes.NewBuffer(d.scratch[:0])
	if err := json.Compact(buf, v); err != nil {
		return v
	}
	d.scratch = buf.Bytes()
	return d.bytes.copy(d.scratch)
}

// hasSpaceOutsideStrings reports whether the JSON value v has whitespace
// between its tokens.
func hasSpaceOutsideStrings(v []byte) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ' ', '\n', '\r', '\t':
			return true
		case '"':
			if i = SkipString(v, i); i < 0 {
				return false
			}
			i-- // the loop steps over the closing quote
		}
	}
	return false
}

// fast decodes data into v, which is zero, or reports false. It never
// accepts what json.Unmarshal would refuse or read otherwise: what it does
// not expect, it declines.
func (d *Decoder[T]) fast(data []byte, v *T) bool {
	if d.o.err != nil {
		return false
	}
	p := reader{data: data}
	if !p.consume('{') {
		return false
	}
	var seen uint64 // the fields met, a bit each: a repeated key is declined
	if p.consume('}') {
		return p.atEnd()
	}
	next := 0
	for {
		key, ok := p.key()
		if !ok || !p.consume(':') {
			return false
		}
		i := d.o.fieldIndex(key, next)
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		next = i + 1
		if !d.field(&p, &d.o.fields[i], v) {
			return false
		}
		if p.consume('}') {
			return p.atEnd()
		}
		if !p.consume(',') {
			return false
		}
	}
}

// field decodes the value of one field into v.
func (d *Decoder[T]) field(p *reader, f *field[T], v *T) bool {
	switch f.kind {
	case kindString:
		s, ok := p.str(&d.scratch)
		if !ok {
			return false
		}
		if f.shared {
			*f.ptr(v).(*string) = d.strings.intern(s)
		} else {
			*f.ptr(v).(*string) = d.bytes.string(s)
		}
	case kindBool:
		return p.boolean(f.ptr(v).(*bool))
	case kindRaw:
		// A null would be kept as the value null: declined, as rare.
		if p.peek() == 'n' {
			return false
		}
		start := p.skipSpace()
		if f.parse != nil {
			// Lent: parse may write to it, not to the document.
			c, ok := p.compactValue(d.scratch[:0], 0)
			d.scratch = c
			return ok && f.parse(v, c)
		}
		c, scratch, ok := p.compactIn(d.scratch)
		if !ok {
			return false
		}
		d.scratch = scratch
		if f.place != nil && d.base >= 0 && len(c) == p.i-start && f.place(v, c, d.base+int64(start)) {
			return true // already compacted in the document, and left there
		}
		if f.store != nil {
			f.store(v, d.bytes.copy(c))
			return true
		}
		if f.within != nil {
			if b, ok := within(f.within(v), c); ok {
				*f.ptr(v).(*json.RawMessage) = b
				return true
			}
		}
		*f.ptr(v).(*json.RawMessage) = d.bytes.copy(c)
	case kindStrings:
		return d.strs(p, f, f.ptr(v).(*[]string))
	case kindTime:
		// time.Time reads the quoted text itself, escapes and all, as it
		// does under json.Unmarshal.
		start := p.skipSpace()
		if p.peek() != '"' {
			return false
		}
		if _, ok := p.str(&d.scratch); !ok {
			return false
		}
		return f.ptr(v).(*time.Time).UnmarshalJSON(p.data[start:p.i]) == nil
	default:
		// Rare: checked and delimited here, decoded by encoding/json
		// exactly as it would decode them as fields.
		c, ok := p.compactValue(d.scratch[:0], 0)
		if !ok {
			return false
		}
		d.scratch = c
		return json.Unmarshal(c, f.ptr(v)) == nil
	}
	return true
}

// within returns the bytes of s that spell value, the last place s holds
// it, capped to their length (Field.Within).
func within(s string, value []byte) (json.RawMessage, bool) {
	i := strings.LastIndex(s, unsafe.String(unsafe.SliceData(value), len(value)))
	if i < 0 || len(value) == 0 {
		return nil, false
	}
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	return b[i : i+len(value) : i+len(value)], true
}

// strs decodes an array of strings into *out. The lists of a Shared
// field are shared too: records that depend on the same resources hold one
// list.
func (d *Decoder[T]) strs(p *reader, f *field[T], out *[]string) bool {
	if !p.consume('[') {
		return false
	}
	*out = []string{}
	if p.consume(']') {
		return true
	}
	list := d.list[:0]
	for {
		s, ok := p.str(&d.scratch)
		if !ok {
			return false
		}
		if f.shared {
			list = append(list, d.strings.intern(s))
		} else {
			list = append(list, d.bytes.string(s))
		}
		if p.consume(']') {
			break
		}
		if !p.consume(',') {
			return false
		}
	}
	d.list = list
	if f.shared {
		*out = d.lists.share(list)
	} else {
		*out = slices.Clone(list)
	}
	return true
}

// chunkSize is how many elements a worker of DecodeArray decodes at a
// time: enough that handing out chunks costs nothing, few enough that the
// workers finish together.
const chunkSize = 512

// DecodeArray decodes the elements elems of data (FindArray) as Decode
// does, on runtime.GOMAXPROCS workers, a chunk at a time, keeping their
// order. It reports false, and stops early, when an element is invalid
// (json.Unmarshal refuses it) or accept refuses it.
func (o *Object[T]) DecodeArray(data []byte, elems []Span, accept func(*T) bool) ([]*T, bool) {
	out := make([]*T, len(elems))
	chunks := (len(elems) + chunkSize - 1) / chunkSize
	if chunks <= 1 {
		return out, o.NewDecoder().decodeChunk(data, -1, elems, out, accept)
	}
	var next atomic.Int64
	var failed atomic.Bool
	// One goroutine per worker, not per chunk: each worker keeps its own
	// decoder (and its interned strings) across the chunks it takes.
	var g errgroup.Group
	// Every worker's decoder, with the unique.Handles of the strings it
	// shared, lives until all are done: a string's canonical copy lasts
	// while a handle to it does, so a worker that shares "managed" after
	// another let go of it could otherwise get a copy of its own.
	decoders := make([]*Decoder[T], min(runtime.GOMAXPROCS(0), chunks))
	for w := range decoders {
		decoders[w] = o.NewDecoder()
		g.Go(func() error {
			d := decoders[w]
			for !failed.Load() {
				c := int(next.Add(1)) - 1
				if c >= chunks {
					return nil
				}
				lo, hi := c*chunkSize, min((c+1)*chunkSize, len(elems))
				if !d.decodeChunk(data, -1, elems[lo:hi], out[lo:hi], accept) {
					failed.Store(true)
				}
			}
			return nil
		})
	}
	_ = g.Wait() // a failure is in failed: the caller falls back to encoding/json
	runtime.KeepAlive(decoders)
	return out, !failed.Load()
}

// decodeChunk decodes the elements elems of data into out. The values of
// a chunk are allocated together: one allocation instead of hundreds.
// base is where data begins in its document, or -1 when not known (the
// fields that Place their values then copy them).
func (d *Decoder[T]) decodeChunk(data []byte, base int64, elems []Span, out []*T, accept func(*T) bool) bool {
	defer func() { d.base = -1 }()
	block := make([]T, len(elems))
	for i, e := range elems {
		v := &block[i]
		if base >= 0 {
			d.base = base + int64(e.Start)
		}
		if d.decodeZero(data[e.Start:e.End], v) != nil || !accept(v) {
			return false
		}
		out[i] = v
	}
	return true
}

// DecodeFast decodes data into *v with the decoder written for the objects
// daftar writes alone, reporting false where Decode would hand the object
// to json.Unmarshal (*v is then partly set). For tests that check that
// what daftar writes takes the fast path.
func (d *Decoder[T]) DecodeFast(data []byte, v *T) bool {
	var zero T
	*v = zero
	if !d.fast(data, v) {
		return false
	}
	d.o.dropEmpty(v)
	return true
}

// StreamChunk is how many bytes DecodeStream reads at a time; it holds a
// few such buffers at once, whatever the document's length.
const StreamChunk = 512 << 10

// DecodeStream reads the document r holds and decodes the elements of its
// top-level array name as FindArray and DecodeArray would from the whole
// document, holding at most a few chunks of it (StreamArray): the
// elements are decoded on runtime.GOMAXPROCS workers while the next chunk
// is read. A field that Places its values is given their offsets in the
// document (r read from its start). It returns the values in document order and the document with
// the array emptied (StreamArray's rest). ok is false where FindArray or
// DecodeArray would report false, and for a document whose elements do
// not each end their line (StreamArray: an element it takes for one that
// is not one value is refused as Decode refuses it); err is a read error.
func (o *Object[T]) DecodeStream(r io.Reader, name string, chunk int, accept func(*T) bool) (vals []*T, rest []byte, ok bool, err error) {
	workers := runtime.GOMAXPROCS(0)
	type batch struct {
		seq   int
		buf   []byte
		base  int64
		elems []Span
	}
	jobs := make(chan batch, workers)
	// Buffers the workers are done with, read into again: at most one per
	// worker, one per queued batch and the one being read are in use.
	free := make(chan []byte, 2*workers+2)
	var (
		mu      sync.Mutex
		results [][]*T
		failed  atomic.Bool
		wg      sync.WaitGroup
	)
	// As in DecodeArray, every worker's decoder lives until all are done.
	decoders := make([]*Decoder[T], workers)
	for w := range decoders {
		decoders[w] = o.NewDecoder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := decoders[w]
			for b := range jobs {
				if failed.Load() {
					continue
				}
				out := make([]*T, len(b.elems))
				if !d.decodeChunk(b.buf, b.base, b.elems, out, accept) {
					failed.Store(true)
					continue
				}
				mu.Lock()
				for len(results) <= b.seq {
					results = append(results, nil)
				}
				results[b.seq] = out
				mu.Unlock()
				if cap(b.buf) == chunk { // not one grown for a long element
					select {
					case free <- b.buf[:0]:
					default:
					}
				}
			}
		}()
	}
	newBuf := func() []byte {
		select {
		case b := <-free:
			return b
		default:
			return make([]byte, 0, chunk)
		}
	}
	seq := 0
	rest, ok, err = StreamArray(r, name, chunk, newBuf, func(buf []byte, base int64, elems []Span) bool {
		if failed.Load() {
			return false
		}
		jobs <- batch{seq, buf, base, elems}
		seq++
		return true
	})
	close(jobs)
	wg.Wait()
	runtime.KeepAlive(decoders)
	if err != nil || !ok || failed.Load() {
		return nil, nil, false, err
	}
	n := 0
	for _, out := range results {
		n += len(out)
	}
	vals = make([]*T, 0, n)
	for _, out := range results {
		vals = append(vals, out...)
	}
	return vals, rest, true, nil
}
