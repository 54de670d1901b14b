package codec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// JSON appends values as a json.Encoder with SetEscapeHTML(false) writes
// them, without the final newline: what an Encoder falls back on. Not
// safe for concurrent use.
type JSON struct {
	buf bytes.Buffer  // what enc writes
	enc *json.Encoder // no HTML escaping
}

// NewJSON returns a JSON appender; with a prefix or an indent, it indents
// as json.Encoder.SetIndent does.
func NewJSON(prefix, indent string) *JSON {
	j := &JSON{}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	if prefix != "" || indent != "" {
		j.enc.SetIndent(prefix, indent)
	}
	return j
}

// Append appends v as json.Encoder writes it, without its newline.
func (j *JSON) Append(dst []byte, v any) ([]byte, error) {
	j.buf.Reset()
	if err := j.enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(j.buf.Bytes(), []byte("\n"))...), nil
}

// Encoder writes values of T as compact JSON objects (Object.NewEncoder).
// Not safe for concurrent use: one per goroutine.
type Encoder[T any] struct {
	o    *Object[T]
	json *JSON // for the fields of other types, and the values declined
}

// NewEncoder returns an encoder of o's values.
func (o *Object[T]) NewEncoder() *Encoder[T] {
	return &Encoder[T]{o: o, json: NewJSON("", "")}
}

// Append appends v to dst exactly as a json.Encoder with
// SetEscapeHTML(false) writes it, without the newline, or returns the
// error that encoder returns (dst then unchanged). The values daftar keeps
// are written by the encoder written for them; for anything else (a
// string with control characters or invalid UTF-8, a json.RawMessage that
// is not one valid value) it declines, and json.Encoder writes the value,
// or says why it cannot.
func (e *Encoder[T]) Append(dst []byte, v *T) ([]byte, error) {
	if out, ok := e.fast(dst, v); ok {
		return out, nil
	}
	return e.json.Append(dst, v)
}

// fast appends v with the fields in T's order, leaving out the empty ones
// tagged omitempty, or reports false (dst may then hold part of v: the
// caller starts again from its own slice).
func (e *Encoder[T]) fast(dst []byte, v *T) ([]byte, bool) {
	if e.o.err != nil {
		return dst, false
	}
	ok := true
	dst = append(dst, '{')
	open := len(dst) // where the first field starts
	for i := range e.o.fields {
		f := &e.o.fields[i]
		prefix := f.prefix
		if len(dst) == open {
			prefix = prefix[1:] // no comma before the first
		}
		if f.get != nil && f.get(v) == nil {
			continue // held through a pointer v does not have: empty, and omitempty
		}
		switch f.kind {
		case kindString:
			s := *f.ptr(v).(*string)
			if f.omitEmpty && s == "" {
				continue
			}
			dst = append(dst, prefix...)
			dst, ok = AppendString(dst, s)
		case kindBool:
			b := *f.ptr(v).(*bool)
			if f.omitEmpty && !b {
				continue
			}
			dst = append(dst, prefix...)
			dst = strconv.AppendBool(dst, b)
		case kindRaw:
			if f.emit != nil {
				start := len(dst)
				dst = append(dst, prefix...)
				at := len(dst)
				var err error
				if dst, err = f.emit(v, dst); err != nil {
					return dst, false
				}
				if len(dst) == at {
					if f.omitEmpty {
						dst = dst[:start]
						continue
					}
					return dst, false // as an empty loaded value
				}
				continue
			}
			var raw json.RawMessage
			if f.load == nil {
				raw = *f.ptr(v).(*json.RawMessage)
			} else {
				var err error
				if raw, err = f.load(v); err != nil {
					return dst, false
				}
			}
			if len(raw) == 0 {
				if f.omitEmpty {
					continue
				}
				// null for nil, an error for empty: json.Encoder decides.
				return dst, false
			}
			dst = append(dst, prefix...)
			p := reader{data: raw}
			dst, ok = p.compactValue(dst, 0)
			ok = ok && p.atEnd()
		case kindStrings:
			ss := *f.ptr(v).(*[]string)
			if f.omitEmpty && len(ss) == 0 {
				continue
			}
			dst = append(dst, prefix...)
			if ss == nil {
				dst = append(dst, "null"...)
				continue
			}
			dst = append(dst, '[')
			for j, s := range ss {
				if j > 0 {
					dst = append(dst, ',')
				}
				if dst, ok = AppendString(dst, s); !ok {
					break
				}
			}
			dst = append(dst, ']')
		case kindTime:
			// time.Time's MarshalJSON quotes its AppendText, which fails
			// only for a year outside 0-9999 or a zone offset out of range
			// (json.Encoder then says so).
			dst = append(dst, prefix...)
			dst = append(dst, '"')
			var err error
			if dst, err = f.ptr(v).(*time.Time).AppendText(dst); err != nil {
				return dst, false
			}
			dst = append(dst, '"')
		default:
			p := f.ptr(v)
			if f.omitEmpty && isEmptyValue(reflect.ValueOf(p).Elem()) {
				continue
			}
			dst = append(dst, prefix...)
			var err error
			dst, err = e.json.Append(dst, p)
			ok = err == nil
		}
		if !ok {
			return dst, false
		}
	}
	return append(dst, '}'), true
}

// isEmptyValue is encoding/json's test for omitempty.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// AppendString appends s as a JSON string as json.Encoder writes it
// without HTML escaping, or reports false for a string it would write
// otherwise than as is: with control characters (escaped as \u00XX),
// invalid UTF-8 (replaced) or U+2028/U+2029 (escaped).
func AppendString(dst []byte, s string) ([]byte, bool) {
	dst = append(dst, '"')
	start, checked := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', c)
			start = i + 1
		case c < 0x20:
			return dst, false
		case c >= utf8.RuneSelf && !checked:
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\u2028\u2029") {
				return dst, false
			}
			checked = true
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), true
}

// AppendFast is Append with the encoder written for the values daftar
// keeps alone, reporting false where Append would hand v to json.Encoder.
// For tests that check that what daftar keeps takes the fast path.
func (e *Encoder[T]) AppendFast(dst []byte, v *T) ([]byte, bool) {
	return e.fast(dst, v)
}
