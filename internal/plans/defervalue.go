package plans

import (
	"bytes"
	"encoding/binary"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// DeferValue keeps the value of c, a no-op whose Before and After are one
// value of type ty (the resource's object type), encoded until something
// reads it (ReadDeferred, Values, Plan.Read), as Defer keeps a stored
// record's: a batch's refreshed no-op (Persist), whose value apply
// writes, holds a few hundred bytes from its plan to its apply rather
// than an object with an object type of its own. The encoding is its
// attribute values alone (codec.LazyMsgpackAttrs), in a slice of its own
// size. Persist and the rest of c stay. It reports whether it did: a
// null or marked value, a type with optional attributes, or any other
// change, leaves c as it is.
func (c *Change) DeferValue(ty cty.Type) bool {
	if c.Action != NoOp || c.Deferred() || c.After == cty.NilVal || c.Before == cty.NilVal || !ty.IsObjectType() ||
		len(ty.OptionalAttributes()) > 0 || !c.After.Type().Equals(ty) || !c.After.IsKnown() || c.After.IsNull() ||
		!c.After.RawEquals(c.Before) {
		return false
	}
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	var ok bool
	if *bp, ok = appendAttrValues((*bp)[:0], c.After, ty); !ok {
		return false
	}
	c.Defer(codec.LazyMsgpackAttrs(bytes.Clone(*bp), ty))
	return true
}

// DeferredAttrs are the attribute values DeferValue keeps of c's value,
// encoded (codec.LazyMsgpackAttrs of the resource's type), and nil when
// c holds none: a lazy block of a batch's refreshed no-ops keeps these
// bytes alone and makes the change again with Defer.
func (c *Change) DeferredAttrs() []byte {
	if c.unread == nil || c.unread.more != nil {
		return nil
	}
	b, _ := c.unread.before.MsgpackAttrs()
	return b
}

// AttrValues are the attribute values of v, a known object of type ty, as
// DeferValue keeps them (codec.LazyMsgpackAttrs); false for a null,
// unknown or marked value: a stored record's value, against which a
// lazy block keeps a refreshed one (TupleBase.Share's own).
func AttrValues(v cty.Value, ty cty.Type) ([]byte, bool) {
	if !ty.IsObjectType() || len(ty.OptionalAttributes()) > 0 || !v.IsKnown() || v.IsNull() || !v.Type().Equals(ty) {
		return nil, false
	}
	return appendAttrValues(nil, v, ty)
}

// appendAttrValues appends the attribute values of v, a known object of
// type ty, as cty msgpack of codec.AttrsTuple(ty): an array of each
// value encoded for its attribute's type, in the order of
// codec.AttrNames(ty). A marked value gives ok false.
func appendAttrValues(b []byte, v cty.Value, ty cty.Type) ([]byte, bool) {
	names := codec.AttrNames(ty)
	b = appendArrayLen(b, len(names))
	for _, name := range names {
		av, aty := v.GetAttr(name), ty.AttributeType(name)
		if av.IsMarked() {
			return b, false
		}
		if aty == cty.String || aty == cty.Bool || aty == cty.Number {
			if out, ok := appendMsgpackUnmarked(b, av); ok {
				b = out
				continue
			}
		}
		data, err := ctymsgpack.Marshal(av, aty)
		if err != nil {
			return b, false
		}
		b = append(b, data...)
	}
	return b, true
}

func appendArrayLen(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x90|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(n))
}
