package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// resourceEncoder writes resources as json.Encoder (no HTML escaping, no
// indent) would, byte for byte, several times faster: encoding/json walks
// each Resource by reflection and checks each JSON value with a scanner
// that costs more than the rest. appendResource writes the resources daftar
// keeps; for anything else (a string with control characters or invalid
// UTF-8, a value compactValue declines) it declines, and json.Encoder
// writes the resource, or reports why it cannot.
type resourceEncoder struct {
	buf bytes.Buffer  // what enc writes
	enc *json.Encoder // for the rare fields, and the resources declined
}

func newResourceEncoder() *resourceEncoder {
	e := &resourceEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// append appends r to dst as one compact JSON object.
func (e *resourceEncoder) append(dst []byte, r *Resource) ([]byte, error) {
	if out, ok := e.appendResource(dst, r); ok {
		return out, nil
	}
	return e.appendJSON(dst, r)
}

// appendJSON appends v as json.Encoder writes it, without its newline.
func (e *resourceEncoder) appendJSON(dst []byte, v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return dst, fmt.Errorf("could not encode the state: %w", err)
	}
	return append(dst, bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))...), nil
}

// appendResource appends r with the fields in Resource's order, leaving
// out the empty ones tagged omitempty, or reports false (dst may then hold
// part of r: the caller starts again from its own slice).
func (e *resourceEncoder) appendResource(dst []byte, r *Resource) ([]byte, bool) {
	if !handCodecCurrent {
		return dst, false
	}
	ok := true
	str := func(key, s string) {
		dst = append(dst, key...)
		if ok {
			dst, ok = appendString(dst, s)
		}
	}
	raw := func(key string, v json.RawMessage) {
		dst = append(dst, key...)
		if ok {
			p := reader{data: v}
			dst, ok = p.compactValue(dst, 0)
			ok = ok && p.atEnd()
		}
	}
	rare := func(key string, v any) {
		dst = append(dst, key...)
		if ok {
			var err error
			dst, err = e.appendJSON(dst, v)
			ok = err == nil
		}
	}
	str(`{"address":`, r.Address)
	if r.Module != "" {
		str(`,"module":`, r.Module)
	}
	str(`,"mode":`, r.Mode)
	str(`,"type":`, r.Type)
	str(`,"name":`, r.Name)
	if len(r.IndexKey) > 0 {
		raw(`,"index_key":`, r.IndexKey)
	}
	str(`,"provider":`, r.Provider)
	if len(r.Attributes) > 0 {
		raw(`,"attributes":`, r.Attributes)
	}
	if len(r.SensitivePaths) > 0 {
		rare(`,"sensitive_paths":`, r.SensitivePaths)
	}
	if r.ConfigDigest != "" {
		str(`,"config_digest":`, r.ConfigDigest)
	}
	if r.Settled {
		dst = append(dst, `,"settled":true`...)
	}
	if len(r.Dependencies) > 0 {
		dst = append(dst, `,"dependencies":[`...)
		for i, dep := range r.Dependencies {
			if i > 0 {
				dst = append(dst, ',')
			}
			str("", dep)
		}
		dst = append(dst, ']')
	}
	if r.Pending != nil {
		rare(`,"pending":`, r.Pending)
	}
	if !ok {
		return dst, false
	}
	// time.Time's MarshalJSON quotes its AppendText, which fails only
	// for a year outside 0-9999 (json.Encoder then says so).
	dst = append(dst, `,"updated_at":"`...)
	dst, err := r.UpdatedAt.AppendText(dst)
	if err != nil {
		return dst, false
	}
	return append(dst, `"}`...), true
}

// appendString appends s as a JSON string as json.Encoder writes it
// without HTML escaping, or reports false for a string it would write
// otherwise than as is: with control characters (escaped as \u00XX),
// invalid UTF-8 (replaced) or U+2028/U+2029 (escaped).
func appendString(dst []byte, s string) ([]byte, bool) {
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
