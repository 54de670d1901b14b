package schema

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

const crossVariables = `
variable "min_age" {
  type    = number
  default = 17
}
variable "age" {
  type = number
  validation {
    condition     = var.age >= var.min_age
    error_message = "age must be at least ${var.min_age}."
  }
}
variable "mode" {
  type     = string
  default  = "OTP"
  nullable = false
}
variable "optional_note" {
  type    = string
  default = "x"
}
variable "required_non_null" {
  type     = string
  nullable = false
  default  = "set"
}
`

// TestValidationRefersToOtherVariables checks conditions that use other
// variables, as Terraform 1.9 and OpenTofu accept, and nullable.
func TestValidationRefersToOtherVariables(t *testing.T) {
	c := loadSrc(t, crossVariables)
	tests := map[string]struct {
		args []VarArg
		env  string // a variable a var file sets to null
		err  string
		name string
		want cty.Value
	}{
		"passes":               {args: []VarArg{{"var", "age=18"}}, name: "age", want: cty.NumberIntVal(18)},
		"fails with the other": {args: []VarArg{{"var", "age=16"}}, err: "age must be at least 17."},
		"other changed":        {args: []VarArg{{"var", "age=16"}, {"var", "min_age=15"}}, name: "age", want: cty.NumberIntVal(16)},
		"other invalid":        {args: []VarArg{{"var", "age=16"}, {"var", "min_age=x"}}, err: "does not fit its type number"},
		"nullable null":        {args: []VarArg{{"var", "age=18"}}, env: "optional_note", name: "optional_note", want: cty.NullVal(cty.String)},
		"not nullable default": {args: []VarArg{{"var", "age=18"}}, env: "mode", name: "mode", want: cty.StringVal("OTP")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			args := tc.args
			if tc.env != "" { // null can only come from a var file or a complex -var; use a var file
				args = append(args, VarArg{"var-file", writeDir(t, map[string]string{"n.hcl": tc.env + " = null\n"}) + "/n.hcl"})
			}
			vals, diags := c.ResolveVariables(args, nil)
			if tc.err != "" {
				if !strings.Contains(diags.Error(), tc.err) {
					t.Fatalf("got %q, want %q", diags.Error(), tc.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := vals[tc.name]; !got.RawEquals(tc.want) {
				t.Errorf("var.%s = %#v, want %#v", tc.name, got, tc.want)
			}
		})
	}
}

// TestNotNullableWithoutDefault checks that a null value for a variable
// that says nullable = false and has no default is an error.
func TestNotNullableWithoutDefault(t *testing.T) {
	c := loadSrc(t, "variable \"mode\" {\n  type     = string\n  nullable = false\n}\n")
	file := writeDir(t, map[string]string{"n.hcl": "mode = null\n"}) + "/n.hcl"
	_, diags := c.ResolveVariables([]VarArg{{"var-file", file}}, nil)
	wantDiags(t, diags, "is null, and the variable says nullable = false")
	if !strings.Contains(diags.Error(), "n.hcl:1") {
		t.Errorf("the error does not point at the var file: %s", diags.Error())
	}
}
