package schema

import (
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// DecoderSpec is the hcldec spec of a block body described by a provider
// schema. Required and optional attributes are arguments; computed-only
// attributes cannot be set (HCL reports "An argument named X is not
// expected here") and decode as null, so the decoded value always has the
// block's ImpliedType. Nested blocks decode as an object, or null when
// absent.
func DecoderSpec(b *providers.Block) hcldec.Spec {
	spec := hcldec.ObjectSpec{}
	for name, a := range b.Attributes {
		spec[name] = attributeSpec(name, a)
	}
	for name, nb := range b.Blocks {
		spec[name] = &hcldec.BlockSpec{
			TypeName: name,
			Nested:   DecoderSpec(&nb.Block),
			Required: nb.Required,
		}
	}
	return spec
}

// attributeSpec is the spec of one attribute.
func attributeSpec(name string, a *providers.Attribute) hcldec.Spec {
	if a.Computed && !a.Optional && !a.Required {
		return &hcldec.LiteralSpec{Value: cty.NullVal(a.Type)}
	}
	return &hcldec.AttrSpec{Name: name, Type: a.Type, Required: a.Required}
}
