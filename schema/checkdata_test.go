package schema

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
)

// TestCheckScopedData checks that a data block nested in a check block is
// a data source of the configuration, marked as scoped to its check, and
// that it may be referred to from that check only.
func TestCheckScopedData(t *testing.T) {
	c := loadSrc(t, `check "budi" {
  data "prakerja_profile" "p" {
    email = "budi@example.id"
  }
  assert {
    condition     = data.prakerja_profile.p.status == "active"
    error_message = "Budi's profile is ${data.prakerja_profile.p.status}."
  }
}
output "status" {
  value = data.prakerja_profile.p.status
}
`)
	addr := addrs.Resource{Mode: addrs.Data, Type: "prakerja_profile", Name: "p"}
	r := c.Resources[addr]
	if r == nil || r.Check != "budi" {
		t.Fatalf("scoped data source = %+v, want one scoped to check budi", r)
	}
	ch := c.Checks["budi"]
	if len(ch.Data) != 1 || ch.Data[0] != addr || len(ch.Asserts) != 1 {
		t.Fatalf("check = %+v, want one data block and one assert", ch)
	}
	if diags := c.CheckReferences(ch.Asserts[0].References()); len(diags) != 0 {
		t.Errorf("references from inside the check: %s", diags.Error())
	}
	refs, diags := ReferencesInExpr(c.Outputs["status"].Expr)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	wantDiags(t, c.CheckReferences(refs), `can be referred to only from within that check block`)
	if d := c.CheckReferences(refs); d[0].Subject == nil || d[0].Subject.Start.Line != 11 || d[0].Subject.Start.Column != 11 {
		t.Errorf("the error is not at main.hcl:11:11: %s", d.Error())
	}
}
