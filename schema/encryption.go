package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Encryption is the encryption block of the daftar block:
//
//	daftar {
//	  encryption {
//	    passphrase = var.state_passphrase
//	  }
//	}
//
// It encrypts the state, its backups, the journal and saved plans (see
// docs/security.md). The passphrase may refer to variables only, so that
// it is known before anything else is evaluated.
type Encryption struct {
	// Passphrase is the passphrase's expression; evaluate it with
	// Config.StatePassphrase, never print its value.
	Passphrase hcl.Expression
	DeclRange  hcl.Range
}

var encryptionSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "passphrase", Required: true}},
}

// addEncryption decodes an encryption block of the daftar block.
func (s *Settings) addEncryption(block *hcl.Block) hcl.Diagnostics {
	if s.Encryption != nil {
		return hcl.Diagnostics{duplicate("encryption block", "encryption", block.DefRange.Ptr(), s.Encryption.DeclRange)}
	}
	content, diags := block.Body.Content(encryptionSchema)
	attr, ok := content.Attributes["passphrase"]
	if !ok {
		return diags
	}
	refs, moreDiags := ReferencesInExpr(attr.Expr)
	diags = append(diags, moreDiags...)
	for _, ref := range refs {
		if ref.Kind != RefVar {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid passphrase reference",
				Detail:   fmt.Sprintf("The state passphrase can refer to input variables only (var.NAME), and this one refers to %s: the state is opened before anything else is evaluated.", ref),
				Subject:  ref.Range.Ptr(),
			})
		}
	}
	s.Encryption = &Encryption{Passphrase: attr.Expr, DeclRange: block.DefRange}
	return diags
}

// StatePassphrase evaluates the passphrase of the daftar block's
// encryption block with the variables' values. It returns "" when there is
// no such block.
func (c *Config) StatePassphrase(vars map[string]cty.Value) (string, hcl.Diagnostics) {
	if c.Settings == nil || c.Settings.Encryption == nil {
		return "", nil
	}
	enc := c.Settings.Encryption
	scope := &Scope{Config: c, Vars: vars}
	v, diags := scope.EvalExpr(enc.Passphrase, cty.String, Repetition{})
	if diags.HasErrors() {
		return "", diags
	}
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() || v.AsString() == "" {
		return "", append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No state passphrase",
			Detail:   "The daftar block's encryption block gives an empty passphrase. Give the variable a value (-var, -var-file or DAFTAR_VAR_<name>), or set DAFTAR_STATE_PASSPHRASE.",
			Subject:  enc.Passphrase.Range().Ptr(),
		})
	}
	return v.AsString(), diags
}
