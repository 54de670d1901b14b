package command

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// configSecrets lists what the configuration writes in sensitive
// attributes without evaluating it: literals (password = "..."), and the
// values of the variables such an attribute names (password = var.pw, a
// variable not declared sensitive). Diagnostics' source snippets and fmt
// -diff show the configuration's lines; these values must not show in
// them. (Values from expressions, such as a CSV's column through for_each,
// are learned when they are sent: observe.go.)
func configSecrets(cfg *schema.Config, vars map[string]cty.Value) []string {
	schemas := map[string]providers.Schema{}
	for name, p := range newProviders() {
		schemas[name] = p.Schema()
	}
	var out []string
	for name, p := range cfg.Providers {
		if s, ok := schemas[name]; ok && s.Provider != nil {
			out = bodySecrets(out, p.Config, s.Provider, cfg, vars)
		}
	}
	for addr, r := range cfg.Resources {
		if b := resourceSchema(schemas, addr); b != nil {
			out = bodySecrets(out, r.Config, b, cfg, vars)
		}
	}
	return out
}

func resourceSchema(schemas map[string]providers.Schema, addr addrs.Resource) *providers.Block {
	for _, s := range schemas {
		if addr.Mode == addrs.Data {
			if b := s.DataSources[addr.Type]; b != nil {
				return b
			}
		} else if b := s.Resources[addr.Type]; b != nil {
			return b
		}
	}
	return nil
}

// bodySecrets appends the values of body's sensitive attributes that can
// be known without evaluating it.
func bodySecrets(out []string, body hcl.Body, b *providers.Block, cfg *schema.Config, vars map[string]cty.Value) []string {
	syn, ok := body.(*hclsyntax.Body)
	if !ok || b == nil {
		return out
	}
	for name, attr := range syn.Attributes {
		if a := b.Attributes[name]; a != nil && (a.Sensitive || a.WriteOnly) {
			out = exprSecrets(out, attr.Expr, cfg, vars)
		}
	}
	for _, blk := range syn.Blocks {
		if nb := b.Blocks[blk.Type]; nb != nil {
			out = bodySecrets(out, blk.Body, &nb.Block, cfg, vars)
		}
	}
	return out
}

// exprSecrets appends a literal's strings, or those of the variables the
// expression refers to.
func exprSecrets(out []string, expr hclsyntax.Expression, cfg *schema.Config, vars map[string]cty.Value) []string {
	if v, diags := expr.Value(nil); !diags.HasErrors() {
		return appendStrings(out, v)
	}
	for _, t := range expr.Variables() {
		if t.RootName() != "var" || len(t) < 2 {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		if v := cfg.Variables[attr.Name]; v != nil && v.Default != cty.NilVal {
			out = appendStrings(out, v.Default)
		}
		if v, ok := vars[attr.Name]; ok {
			out = appendStrings(out, v)
		}
	}
	return out
}
