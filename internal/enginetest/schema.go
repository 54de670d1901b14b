package enginetest

import (
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// The fake provider serves:
//
//	provider "fake" { endpoint = "..."  token = "..." (sensitive) }
//	resource "fake_account" { name (required), email, tag, secret (sensitive),
//	    code (replaces when changed), id (computed), profile { city } }
//	resource "fake_verification" { subject (required), id, status (computed) }: a create spends one fake token
//	data "fake_lookup" { input (required), output (computed: upper(input)) }
func fakeSchema() providers.Schema {
	str := func(required bool) *providers.Attribute {
		return &providers.Attribute{Type: cty.String, Required: required, Optional: !required}
	}
	computed := &providers.Attribute{Type: cty.String, Computed: true}
	return providers.Schema{
		Provider: &providers.Block{Attributes: map[string]*providers.Attribute{
			"endpoint": str(false),
			"token":    {Type: cty.String, Optional: true, Sensitive: true, Transport: true},
		}},
		Resources: map[string]*providers.Block{
			"fake_account": {
				Attributes: map[string]*providers.Attribute{
					"name":   str(true),
					"email":  str(false),
					"tag":    str(false),
					"secret": {Type: cty.String, Optional: true, Sensitive: true},
					"code":   {Type: cty.String, Optional: true, RequiresReplace: true},
					"id":     computed,
				},
				Blocks: map[string]*providers.NestedBlock{
					"profile": {Block: providers.Block{Attributes: map[string]*providers.Attribute{"city": str(false)}}},
				},
			},
			"fake_verification": {Attributes: map[string]*providers.Attribute{
				"subject": str(true),
				"id":      computed,
				"status":  computed,
			}},
		},
		DataSources: map[string]*providers.Block{
			"fake_lookup": {Attributes: map[string]*providers.Attribute{
				"input":  str(true),
				"output": computed,
			}},
		},
	}
}
