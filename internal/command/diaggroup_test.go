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

// TestGroupDiagsRowOrigins: the same mistake found in every row of a batch
// names each instance's CSV line; grouped, it is shown once with the
// lines, in the file's order, not once per row.
func TestGroupDiagsRowOrigins(t *testing.T) {
	rng := &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 12, Column: 28}, End: hcl.Pos{Line: 12, Column: 49}}
	typo := func(line string) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported attribute",
			Detail: `This object does not have an attribute named "first_name". The instance comes from line ` + line + ` of people.csv.`, Subject: rng}
	}
	var diags hcl.Diagnostics
	for _, line := range []string{"10", "4", "2", "3", "9", "7", "5"} {
		diags = append(diags, typo(line))
	}
	other := typo("8")
	other.Detail = `This object does not have an attribute named "first_name". The instance comes from line 8 of hires.csv.`
	diags = append(diags, other)

	got := groupDiags(diags)
	if len(got) != 2 {
		t.Fatalf("%d diagnostics, want 2 (one per file): %v", len(got), got)
	}
	want := `This object does not have an attribute named "first_name". The instances come from lines 2, 3, 4, 5, 7 and 2 more of people.csv.`
	if d := got[0].Detail; !strings.HasPrefix(d, want) || !strings.Contains(d, "found 7 times") {
		t.Errorf("grouped:\n%s\nwant it to start with\n%s", d, want)
	}
	if got[1] != other {
		t.Errorf("the other file's row was grouped: %v", got[1])
	}
	two := groupDiags(hcl.Diagnostics{typo("3"), typo("2")})
	if len(two) != 1 || !strings.Contains(two[0].Detail, "lines 2 and 3 of people.csv.") {
		t.Errorf("two rows: %v", two)
	}
}
