package codec

import (
	"fmt"
	"slices"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// LazyMsgpackAttrs is the object of type ty (an object type without
// optional attributes) whose attribute values data holds, in the order of
// AttrNames(ty), as cty msgpack of the tuple of their types: an array of
// the values, without the attribute names cty msgpack writes in every
// object (a value of two dozen attributes is a few hundred bytes
// shorter). Decode reads the tuple and builds the object.
func LazyMsgpackAttrs(data []byte, ty cty.Type) Lazy {
	return Lazy{data: data, ty: ty, format: formatMsgpackAttrs}
}

// AttrNames are the attribute names of the object type ty, sorted: the
// order of LazyMsgpackAttrs's values.
func AttrNames(ty cty.Type) []string {
	atys := ty.AttributeTypes()
	names := make([]string, 0, len(atys))
	for name := range atys {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// AttrsTuple is the tuple type of the attribute values of the object type
// ty, in the order of AttrNames(ty).
func AttrsTuple(ty cty.Type) cty.Type {
	names := AttrNames(ty)
	types := make([]cty.Type, len(names))
	for i, name := range names {
		types[i] = ty.AttributeType(name)
	}
	return cty.Tuple(types)
}

func decodeMsgpackAttrs(data []byte, ty cty.Type) (cty.Value, error) {
	if !ty.IsObjectType() || len(ty.OptionalAttributes()) > 0 {
		return cty.NilVal, fmt.Errorf("attribute values of a %s", ty.FriendlyName())
	}
	tuple, err := ctymsgpack.Unmarshal(data, AttrsTuple(ty))
	if err != nil {
		return cty.NilVal, err
	}
	if !tuple.IsKnown() || tuple.IsNull() {
		return cty.NilVal, fmt.Errorf("attribute values of a %s: not a known tuple", ty.FriendlyName())
	}
	names := AttrNames(ty)
	attrs := make(map[string]cty.Value, len(names))
	for i, name := range names {
		attrs[name] = tuple.Index(cty.NumberIntVal(int64(i)))
	}
	return cty.ObjectVal(attrs), nil
}
