package plans

import (
	"bytes"

	"github.com/zclconf/go-cty/cty"
)

// PackCreateAttrs is PackAttrs of a create whose planned value, too, is at
// hand as its attributes only: planned holds the values of the planned
// object's attributes names (sorted), as config holds the configuration's.
// Neither object is built: a batch of 100,000 new accounts is planned and
// packed without a planned object per account. It writes the bytes
// PackAttrs writes for c with After the object of planned, and returns the
// configuration's encoding; nil when it did not pack (c is left as it was):
// c must be a create with a null Before and neither After nor Config, and
// names, config and planned the attributes of an object of type ty, which
// daftar's encoder writes (no mark, no refined unknown, no dynamic value:
// cty's encoder writes those, from the objects the caller then builds).
func (c *Change) PackCreateAttrs(ty cty.Type, names []string, config, planned []cty.Value) []byte {
	if !c.createOfAttrs(ty, names, config, planned) {
		return nil
	}
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	cut, ok := appendBoth(bp, names, config, planned, appendMsgpackAttrs)
	if !ok {
		return nil
	}
	buf := bytes.Clone(*bp)
	c.packed = &packedCreate{ty: ty, buf: buf, cut: int32(cut)}
	c.Before = cty.NilVal
	return buf[:cut:cut]
}

// PackCreateValues is PackValues of a create whose planned value is at
// hand as its attributes only (planned, see PackCreateAttrs): the bytes
// PackValues writes for c with After the object of planned. It reports
// whether it packed, and leaves c as it was when it did not.
func (c *Change) PackCreateValues(ty cty.Type, names []string, config, planned []cty.Value) bool {
	if !c.createOfAttrs(ty, names, config, planned) || len(ty.OptionalAttributes()) > 0 {
		return false
	}
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	cut, ok := appendBoth(bp, names, config, planned, appendValuesOf)
	if !ok {
		return false
	}
	c.packed = packAttrValues(ty, bp, cut)
	c.Before = cty.NilVal
	return true
}

// appendBoth writes the configuration's attributes, then the planned
// value's, with appendAttrs into *bp (emptied first), and returns where
// the planned value starts; false when appendAttrs cannot write one or
// the two do not fit a packed create's 31-bit offsets.
func appendBoth(bp *[]byte, names []string, config, planned []cty.Value, appendAttrs func([]byte, []string, []cty.Value) ([]byte, bool)) (int, bool) {
	var ok bool
	if *bp, ok = appendAttrs((*bp)[:0], names, config); !ok {
		return 0, false
	}
	cut := len(*bp)
	if *bp, ok = appendAttrs(*bp, names, planned); !ok || len(*bp) > 1<<31-1 {
		return 0, false
	}
	return cut, true
}

// createOfAttrs reports whether c is a create that PackCreateAttrs and
// PackCreateValues may pack: not packed or deferred yet, a null Before,
// no After nor Config, and config and planned the attributes names of
// objects of type ty.
func (c *Change) createOfAttrs(ty cty.Type, names []string, config, planned []cty.Value) bool {
	return c.unread == nil && c.packed == nil && c.Action == Create && c.After == cty.NilVal && c.Config == cty.NilVal &&
		c.Before != cty.NilVal && c.Before.IsNull() && c.Before.Type().Equals(ty) &&
		names != nil && attrsOfType(names, config, ty) && attrsOfType(names, planned, ty)
}
