package plans

import (
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// PackValues is PackAttrs (Pack when names is nil) keeping the
// configuration and the planned value as their attribute values alone
// (codec.LazyMsgpackAttrs: cty msgpack of the tuple of the attributes'
// values, in the order of their sorted names), not as cty msgpack of the
// objects, which writes every attribute's name in each: a verification's
// create holds about half the bytes. Its encoding is no configuration
// digest's (Pack's is), so it is for a plan that is only applied; it
// reports whether it packed, and leaves c as it was when it did not (an
// object with optional attributes, a value unknown or null as a whole,
// a marked attribute).
func (c *Change) PackValues(ty cty.Type, names []string, vals []cty.Value) bool {
	if !c.packable(ty, names, vals) || !ty.IsObjectType() || len(ty.OptionalAttributes()) > 0 || !c.After.IsKnown() || c.After.IsNull() ||
		c.Config != cty.NilVal && (!c.Config.IsKnown() || c.Config.IsNull()) {
		return false
	}
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	var ok bool
	if c.Config != cty.NilVal {
		*bp, ok = appendAttrValues((*bp)[:0], c.Config, ty)
	} else {
		*bp, ok = appendValuesOf((*bp)[:0], names, vals)
	}
	if !ok {
		return false
	}
	cut := len(*bp)
	if *bp, ok = appendAttrValues(*bp, c.After, ty); !ok || len(*bp) > 1<<31-1 {
		return false
	}
	c.packed = packAttrValues(ty, bp, cut)
	c.Before, c.After, c.Config = cty.NilVal, cty.NilVal, cty.NilVal
	return true
}

// appendValuesOf is appendAttrValues of the object whose attributes are
// names, sorted, and vals (attrsOfType): an array of each value encoded
// for its own type, which is its attribute's.
func appendValuesOf(b []byte, names []string, vals []cty.Value) ([]byte, bool) {
	b = appendArrayLen(b, len(names))
	for _, v := range vals {
		if v.IsMarked() {
			return b, false
		}
		if ty := v.Type(); ty == cty.String || ty == cty.Bool || ty == cty.Number {
			if out, ok := appendMsgpackUnmarked(b, v); ok {
				b = out
				continue
			}
		}
		data, err := ctymsgpack.Marshal(v, v.Type())
		if err != nil {
			return b, false
		}
		b = append(b, data...)
	}
	return b, true
}
