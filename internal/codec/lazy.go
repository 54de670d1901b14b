package codec

import (
	"encoding/json"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// Lazy is a cty value left encoded until something needs it: the stored
// attributes of an unchanged instance a plan does not look at (a batch of
// 100,000 is planned without decoding 100,000 records), the values of a
// saved plan's no-ops, which applying it does not compare.
//
// Concurrency: a Lazy is an immutable value, its bytes shared with where
// they came from (a state record's attributes, a loaded plan file), which
// must not be written to afterwards; neither the state nor a loaded plan
// writes over them. Decode decodes them anew at each call, keeps nothing
// and is safe for concurrent use: whoever needs the value more than once
// keeps what Decode returned (plans.Change does, in Before and After).
type Lazy struct {
	data   []byte
	load   func() (json.RawMessage, error) // formatJSONLoad: reads data
	ty     cty.Type
	format format
}

// format is how a Lazy's bytes are encoded.
type format uint8

const (
	formatNone         format = iota // the zero Lazy
	formatJSON                       // cty JSON, as DecodeJSON reads it
	formatMsgpack                    // cty msgpack
	formatJSONLoad                   // cty JSON that load reads
	formatMsgpackAttrs               // an object's attribute values, cty msgpack (LazyMsgpackAttrs)
)

// LazyJSON is the value of type ty that data holds as cty JSON (a state
// record's attributes), decoded by DecodeJSON.
func LazyJSON(data []byte, ty cty.Type) Lazy { return Lazy{data: data, ty: ty, format: formatJSON} }

// LazyLoad is the value of type ty that load reads as cty JSON (a state
// record's attributes left in the state file), decoded by DecodeJSON. An
// error of load is Decode's.
func LazyLoad(load func() (json.RawMessage, error), ty cty.Type) Lazy {
	return Lazy{load: load, ty: ty, format: formatJSONLoad}
}

// LazyMsgpack is the value of type ty that data holds as cty msgpack (a
// plan file's value), decoded by ctymsgpack.Unmarshal.
func LazyMsgpack(data []byte, ty cty.Type) Lazy {
	return Lazy{data: data, ty: ty, format: formatMsgpack}
}

// Msgpack answers l's bytes and type when they are cty msgpack
// (LazyMsgpack); ok is false otherwise. The bytes are l's own: do not
// modify them.
func (l Lazy) Msgpack() (data []byte, ty cty.Type, ok bool) {
	if l.format != formatMsgpack {
		return nil, cty.NilType, false
	}
	return l.data, l.ty, true
}

// IsZero reports whether l is the zero Lazy, which holds no value.
func (l Lazy) IsZero() bool { return l.format == formatNone }

// Decode decodes the value; the zero Lazy gives cty.NilVal.
func (l Lazy) Decode() (cty.Value, error) {
	switch {
	case l.IsZero():
		return cty.NilVal, nil
	case l.format == formatMsgpack:
		return ctymsgpack.Unmarshal(l.data, l.ty)
	case l.format == formatMsgpackAttrs:
		return decodeMsgpackAttrs(l.data, l.ty)
	case l.format == formatJSONLoad:
		data, err := l.load()
		if err != nil {
			return cty.NilVal, err
		}
		return DecodeJSON(data, l.ty)
	}
	return DecodeJSON(l.data, l.ty)
}
