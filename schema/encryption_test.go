package schema

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestStatePassphrase(t *testing.T) {
	c := loadSrc(t, `
variable "state_passphrase" {
  type      = string
  sensitive = true
}

daftar {
  encryption {
    passphrase = var.state_passphrase
  }
}
`)
	vars, diags := c.ResolveVariables(nil, []string{"DAFTAR_VAR_state_passphrase=a long enough passphrase"})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	got, diags := c.StatePassphrase(vars)
	if diags.HasErrors() || got != "a long enough passphrase" {
		t.Fatalf("StatePassphrase = %q, %s", got, diags.Error())
	}
	_, diags = c.StatePassphrase(map[string]cty.Value{"state_passphrase": cty.StringVal("")})
	wantDiags(t, diags, "No state passphrase")

	if got, diags := loadSrc(t, `daftar {}`).StatePassphrase(nil); got != "" || diags.HasErrors() {
		t.Fatalf("without an encryption block: %q, %s", got, diags.Error())
	}
}

func TestStatePassphraseRefersToVariablesOnly(t *testing.T) {
	dir := writeDir(t, map[string]string{"main.hcl": `
locals {
  p = "a long enough passphrase"
}

daftar {
  encryption {
    passphrase = local.p
  }
  encryption {
    passphrase = "x"
  }
}
`})
	_, diags := Load(dir)
	wantDiags(t, diags, "can refer to input variables only", "Duplicate encryption block")
	if r := diags[0].Subject; r == nil || r.Start.Line != 8 {
		t.Errorf("the first diagnostic points at %v, want line 8", r)
	}
}
