package schema

import (
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// usapiAccountSchema is a small provider schema for the tests.
func usapiAccountSchema() *providers.Block {
	return &providers.Block{
		Attributes: map[string]*providers.Attribute{
			"username": {Type: cty.String, Required: true},
			"email":    {Type: cty.String, Optional: true},
			"id":       {Type: cty.String, Computed: true},
		},
		Blocks: map[string]*providers.NestedBlock{
			"basic_profile": {Block: providers.Block{Attributes: map[string]*providers.Attribute{
				"gender": {Type: cty.String, Optional: true},
			}}},
		},
	}
}
