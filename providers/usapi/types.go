package usapi

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// resourceType is one entry of the provider's table of resource types:
// its schema and the functions serving each method of providers.Provider
// for it. The Provider's methods find the entry in one place
// (Provider.resource); a second resource type is a second entry
// (docs/providers/writing.md).
type resourceType struct {
	block    func() *providers.Block
	validate func(p *Provider, cfg cty.Value) providers.Diagnostics
	providers.ResourceMethods[*Provider]
}

// resourceTypes is the provider's table of resource types.
var resourceTypes = map[string]*resourceType{
	accountType: {
		block:    accountBlock,
		validate: (*Provider).validateAccount,
		ResourceMethods: providers.ResourceMethods[*Provider]{
			Plan:    (*Provider).planAccount,
			Apply:   (*Provider).applyAccount,
			Read:    (*Provider).readAccount,
			Resolve: (*Provider).resolveAccount,
			Import:  (*Provider).importAccount,
		},
	},
}

// resource finds the entry of typ; an error diagnostic when the provider
// serves no resource type of that name.
func (p *Provider) resource(typ string) (*resourceType, providers.Diagnostics) {
	if rt := resourceTypes[typ]; rt != nil {
		return rt, nil
	}
	return nil, notAResource(typ)
}

// methods is the provider's providers.Dispatch lookup: the entry of typ.
func (p *Provider) methods(typ string) (*providers.ResourceMethods[*Provider], providers.Diagnostics) {
	rt, diags := p.resource(typ)
	if rt == nil {
		return nil, diags
	}
	return &rt.ResourceMethods, nil
}
