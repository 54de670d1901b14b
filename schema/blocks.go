package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// addLocals decodes a locals block: each attribute is one local value.
func (c *Config) addLocals(block *hcl.Block) hcl.Diagnostics {
	attrs, diags := block.Body.JustAttributes()
	for _, name := range sortedAttrNames(attrs) {
		attr := attrs[name]
		if prev, ok := c.Locals[name]; ok {
			diags = append(diags, duplicate("local value", name, attr.NameRange.Ptr(), prev.DeclRange))
			continue
		}
		c.Locals[name] = &Local{Name: name, Expr: attr.Expr, DeclRange: attr.Range}
	}
	return diags
}

// addProvider records a provider block; its body is decoded later with the
// provider's schema.
func (c *Config) addProvider(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	diags := checkName("provider name", name, block.LabelRanges[0])
	if prev, ok := c.Providers[name]; ok {
		return append(diags, duplicate("provider configuration", name, block.DefRange.Ptr(), prev.DeclRange))
	}
	c.Providers[name] = &Provider{
		Name: name, Config: block.Body, DeclRange: block.DefRange, NameRange: block.LabelRanges[0],
	}
	return diags
}

var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "value", Required: true},
		{Name: "description"},
		{Name: "sensitive"},
		{Name: "depends_on"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}},
}

// addOutput decodes an output block.
func (c *Config) addOutput(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	diags := checkName("output name", name, block.LabelRanges[0])
	content, moreDiags := block.Body.Content(outputSchema)
	diags = append(diags, moreDiags...)
	o := &Output{Name: name, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["value"]; ok {
		o.Expr = attr.Expr
	}
	diags = append(diags, decodeLiteral(content.Attributes["description"], &o.Description)...)
	diags = append(diags, decodeLiteral(content.Attributes["sensitive"], &o.Sensitive)...)
	if attr, ok := content.Attributes["depends_on"]; ok {
		deps, moreDiags := decodeDependsOn(attr)
		o.DependsOn = deps
		diags = append(diags, moreDiags...)
	}
	for _, b := range content.Blocks {
		cond, more := decodeCondition(b, false)
		diags = append(diags, more...)
		if cond != nil {
			o.Preconditions = append(o.Preconditions, cond)
		}
	}
	if prev, ok := c.Outputs[name]; ok {
		return append(diags, duplicate("output", name, block.DefRange.Ptr(), prev.DeclRange))
	}
	c.Outputs[name] = o
	return diags
}

var settingsSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "backend", LabelNames: []string{"type"}}, {Type: "encryption"}},
}

// addSettings decodes the daftar block. Only one is allowed.
func (c *Config) addSettings(block *hcl.Block) hcl.Diagnostics {
	if c.Settings != nil {
		return hcl.Diagnostics{duplicate("daftar settings block", "daftar", block.DefRange.Ptr(), c.Settings.DeclRange)}
	}
	content, diags := block.Body.Content(settingsSchema)
	s := &Settings{DeclRange: block.DefRange}
	for _, b := range content.Blocks {
		if b.Type == "encryption" {
			diags = append(diags, s.addEncryption(b)...)
			continue
		}
		if s.Backend != nil {
			diags = append(diags, duplicate("backend", b.Labels[0], b.DefRange.Ptr(), s.Backend.DeclRange))
			continue
		}
		s.Backend = &Backend{Type: b.Labels[0], Config: b.Body, DeclRange: b.DefRange}
	}
	c.Settings = s
	return diags
}

// decodeLiteral decodes an optional attribute that must be a constant
// (description, sensitive) into target; nil attr leaves target alone.
func decodeLiteral(attr *hcl.Attribute, target any) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	return gohcl.DecodeExpression(attr.Expr, nil, target)
}
