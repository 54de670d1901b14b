package proofylink

import (
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// resourceSchema is a resource type's schema and the attribute lists the
// provider derives from it, so that the schema is the one place where an
// attribute is declared: an attribute added there is planned, stored and
// compared without touching any list.
type resourceSchema struct {
	block *providers.Block
	// ty is the type of the type's state value (block's implied type).
	ty cty.Type
	// inputs are what the user sets, stored as planned; digests are the
	// keyed digests the plan derives from inputs; remote are the values
	// the API sets; replace are the inputs and digests whose change is a
	// new verification (see providers.Block).
	inputs, digests, remote, replace []string
}

func newResourceSchema(b *providers.Block) *resourceSchema {
	return &resourceSchema{
		block: b, ty: b.ImpliedType(),
		inputs: b.InputNames(), digests: b.DigestNames(), remote: b.RemoteNames(), replace: b.ReplaceNames(),
	}
}

// resourceType is one entry of the provider's table of resource types:
// the schema, and the functions serving each method of
// providers.Provider for the type. The Provider's methods find the entry
// in one place (Provider.resource) and call it; a second resource type is
// a second entry (docs/providers/writing.md).
type resourceType struct {
	schema   *resourceSchema
	validate func(p *Provider, cfg cty.Value) providers.Diagnostics
	providers.ResourceMethods[*Provider]
}

// resourceTypes is the provider's table of resource types, read once by
// NewWithOptions.
func resourceTypes() map[string]*resourceType {
	return map[string]*resourceType{
		verificationType: {
			schema:   verification,
			validate: (*Provider).validateVerification,
			ResourceMethods: providers.ResourceMethods[*Provider]{
				Plan:    (*Provider).planVerification,
				Apply:   (*Provider).applyVerification,
				Read:    (*Provider).readVerification,
				Resolve: (*Provider).resolveVerification,
				Import:  (*Provider).importVerification,
			},
		},
	}
}

// resource finds the entry of typ; an error diagnostic when the provider
// serves no resource type of that name.
func (p *Provider) resource(typ string) (*resourceType, providers.Diagnostics) {
	if rt := p.resources[typ]; rt != nil {
		return rt, nil
	}
	return nil, unknownType(typ)
}

// methods is the provider's providers.Dispatch lookup: the entry of typ.
func (p *Provider) methods(typ string) (*providers.ResourceMethods[*Provider], providers.Diagnostics) {
	rt, diags := p.resource(typ)
	if rt == nil {
		return nil, diags
	}
	return &rt.ResourceMethods, nil
}
