package command

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestGroupDiags(t *testing.T) {
	rng := &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 57, Column: 3}, End: hcl.Pos{Line: 57, Column: 12}}
	typo := func() *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported argument", Detail: `An argument named "frist_nam" is not expected here.`, Subject: rng}
	}
	refused := func(key string) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: `usapi_account.hire["` + key + `"]: Registration refused`,
			Detail: `POST /signup answered 400. (in usapi_account.hire["` + key + `"])`, Subject: rng}
	}
	var diags hcl.Diagnostics
	for i := 0; i < 62; i++ {
		diags = append(diags, typo())
	}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		diags = append(diags, refused(k))
	}
	other := &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Something else", Subject: rng}
	diags = append(diags, other)

	got := groupDiags(diags)
	if len(got) != 3 {
		t.Fatalf("%d diagnostics, want 3: %v", len(got), got)
	}
	if !strings.Contains(got[0].Detail, "found 62 times") {
		t.Errorf("the typo: %q", got[0].Detail)
	}
	if d := got[1].Detail; !strings.Contains(d, `affects 7 instances: usapi_account.hire["a"], usapi_account.hire["b"]`) || !strings.Contains(d, "and 2 more") {
		t.Errorf("the refusals: %q", d)
	}
	if got[2] != other {
		t.Errorf("a lone diagnostic changed: %v", got[2])
	}
	if one := groupDiags(hcl.Diagnostics{typo(), other}); len(one) != 2 || one[0].Detail != typo().Detail {
		t.Errorf("distinct diagnostics were grouped: %v", one)
	}
}
