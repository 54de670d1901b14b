package plans

import (
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
)

// DeferValue keeps the value of c, a no-op whose Before and After are one
// value of type ty (the resource's), encoded as cty msgpack in a slice of
// its own size until something reads it (ReadDeferred, Values, Plan.Read),
// as Defer keeps a stored record's: a batch's refreshed no-op (Persist),
// whose value apply writes, holds a few hundred bytes from its plan to its
// apply rather than an object of its own type. Persist and the rest of c
// stay. It reports whether it did: a value msgpack cannot hold (marked),
// or any other change, leaves c as it is.
func (c *Change) DeferValue(ty cty.Type) bool {
	if c.Action != NoOp || c.Deferred() || c.After == cty.NilVal || c.Before == cty.NilVal ||
		!c.After.Type().Equals(ty) || !c.After.RawEquals(c.Before) {
		return false
	}
	data, err := packMsgpack(c.After, ty)
	if err != nil {
		return false
	}
	c.Defer(codec.LazyMsgpack(data, ty))
	return true
}
