package schema

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

const variablesConfig = `
variable "name" {
  type    = string
  default = "from-default"
}
variable "count" {
  type    = number
  default = 1
}
variable "tags" {
  type    = map(string)
  default = {}
}
variable "people" {
  type = list(object({
    name = string
    role = optional(string, "staff")
  }))
  default = []
}
variable "untyped" {
  default = "x"
}
variable "secret" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
`

func TestResolveVariablesPrecedence(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"main.hcl":        variablesConfig,
		"vars/a.hcl":      "name = \"from-a-hcl\"\ncount = 3\nunknown_var = 1\n",
		"vars/b.json":     `{"name": "from-b-json", "tags": {"team": "ops"}}`,
		"vars/people.hcl": "people = [{ name = \"ani\" }, { name = \"budi\", role = \"lead\" }]\n",
	})
	c := mustLoad(t, dir)
	a, b, people := filepath.Join(dir, "vars", "a.hcl"), filepath.Join(dir, "vars", "b.json"), filepath.Join(dir, "vars", "people.hcl")
	tests := map[string]struct {
		args    []VarArg
		env     []string
		wantVar string
		want    cty.Value
	}{
		"default":                 {nil, nil, "name", cty.StringVal("from-default")},
		"environment":             {nil, []string{"DAFTAR_VAR_name=from-env"}, "name", cty.StringVal("from-env")},
		"var-file over env":       {[]VarArg{{"var-file", a}}, []string{"DAFTAR_VAR_name=from-env"}, "name", cty.StringVal("from-a-hcl")},
		"later var-file wins":     {[]VarArg{{"var-file", a}, {"var-file", b}}, nil, "name", cty.StringVal("from-b-json")},
		"-var over var-file":      {[]VarArg{{"var", "name=from-var"}, {"var-file", a}}, nil, "name", cty.StringVal("from-a-hcl")},
		"interleaved, -var last":  {[]VarArg{{"var-file", a}, {"var", "name=from-var"}}, nil, "name", cty.StringVal("from-var")},
		"number converted":        {[]VarArg{{"var", "count=42"}}, nil, "count", cty.NumberIntVal(42)},
		"map from json":           {[]VarArg{{"var-file", b}}, nil, "tags", cty.MapVal(map[string]cty.Value{"team": cty.StringVal("ops")})},
		"map as HCL in -var":      {[]VarArg{{"var", `tags={a = "b"}`}}, nil, "tags", cty.MapVal(map[string]cty.Value{"a": cty.StringVal("b")})},
		"map as HCL in env":       {nil, []string{`DAFTAR_VAR_tags={a = "c"}`}, "tags", cty.MapVal(map[string]cty.Value{"a": cty.StringVal("c")})},
		"string taken literally":  {[]VarArg{{"var", `name={a = "b"}`}}, nil, "name", cty.StringVal(`{a = "b"}`)},
		"untyped taken literally": {[]VarArg{{"var", `untyped=[1]`}}, nil, "untyped", cty.StringVal(`[1]`)},
		"optional attribute defaults": {[]VarArg{{"var-file", people}}, nil, "people", cty.ListVal([]cty.Value{
			cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("ani"), "role": cty.StringVal("staff")}),
			cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("budi"), "role": cty.StringVal("lead")}),
		})},
		"sensitive marked": {nil, nil, "secret", cty.StringVal("hunter2").Mark(Sensitive)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			vals, diags := c.ResolveVariables(tc.args, tc.env)
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			if got := vals[tc.wantVar]; !got.RawEquals(tc.want) {
				t.Errorf("var.%s = %#v, want %#v", tc.wantVar, got, tc.want)
			}
		})
	}
}

func mustLoad(t *testing.T, dir string) *Config {
	t.Helper()
	c, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	return c
}

func TestResolveVariablesErrors(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"main.hcl": `
variable "required" {
  type = string
}
variable "port" {
  type    = number
  default = 80
}
variable "tags" {
  type    = map(string)
  default = {}
}
variable "nik" {
  type    = string
  default = "3171000000000001"
  validation {
    condition     = length(var.nik) == 16
    error_message = "A NIK has 16 digits."
  }
}
`,
		"vars/bad.hcl":     "port = \"eighty\"\n",
		"vars/extra.hcl":   "required = \"x\"\nrequird = \"y\"\n",
		"vars/broken.hcl":  "port = \n",
		"vars/broken.json": `{"port": }`,
	})
	c := mustLoad(t, dir)
	set := VarArg{"var", "required=x"}
	tests := map[string]struct {
		args []VarArg
		env  []string
		want []string
	}{
		"missing required":       {nil, nil, []string{"DAFTAR_VAR_required"}},
		"wrong type in -var":     {[]VarArg{set, {"var", "port=eighty"}}, nil, []string{"by -var does not fit its type number"}},
		"wrong type in file":     {[]VarArg{set, {"var-file", filepath.Join(dir, "vars", "bad.hcl")}}, nil, []string{"by the file " + dir + "/vars/bad.hcl"}},
		"wrong type in env":      {[]VarArg{set}, []string{"DAFTAR_VAR_port=x"}, []string{"environment variable DAFTAR_VAR_port"}},
		"undeclared -var":        {[]VarArg{set, {"var", "prot=1"}}, nil, []string{`Did you mean "port"?`}},
		"-var without =":         {[]VarArg{set, {"var", "port"}}, nil, []string{"NAME=VALUE"}},
		"undeclared in var-file": {[]VarArg{{"var-file", filepath.Join(dir, "vars", "extra.hcl")}}, nil, []string{`Did you mean "required"?`}},
		"invalid HCL in -var":    {[]VarArg{set, {"var", "tags={a = }"}}, nil, []string{"not a valid HCL expression"}},
		"missing var-file":       {[]VarArg{set, {"var-file", "nope.hcl"}}, nil, []string{`"nope.hcl"`}},
		"broken var-file":        {[]VarArg{set, {"var-file", filepath.Join(dir, "vars", "broken.hcl")}}, nil, []string{"Invalid expression"}},
		"broken json var-file":   {[]VarArg{set, {"var-file", filepath.Join(dir, "vars", "broken.json")}}, nil, []string{"Missing JSON value"}},
		"validation fails":       {[]VarArg{set, {"var", "nik=123"}}, nil, []string{"A NIK has 16 digits."}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := c.ResolveVariables(tc.args, tc.env)
			wantDiags(t, diags, tc.want...)
		})
	}
}

func TestResolveVariablesWarningIsNotError(t *testing.T) {
	dir := writeDir(t, map[string]string{"main.hcl": `variable "a" { default = "1" }`, "vars/x.hcl": "b = 2\n"})
	c := mustLoad(t, dir)
	vals, diags := c.ResolveVariables([]VarArg{{"var-file", filepath.Join(dir, "vars", "x.hcl")}}, os.Environ())
	if diags.HasErrors() || len(diags) != 1 || vals["a"].AsString() != "1" {
		t.Fatalf("want one warning and a value, got %v %s", vals, diagsText(diags))
	}
}

func TestValidationPasses(t *testing.T) {
	c := loadSrc(t, `
variable "mode" {
  type    = string
  default = "OTP"
  validation {
    condition     = contains(["OTP", "LINK"], var.mode)
    error_message = "mode is OTP or LINK, not ${var.mode}."
  }
}
variable "secret" {
  type      = string
  sensitive = true
  validation {
    condition     = startswith(var.secret, "s")
    error_message = "bad secret ${var.secret}"
  }
}
`)
	vals, diags := c.ResolveVariables([]VarArg{{"var", "secret=sss"}}, nil)
	if diags.HasErrors() || vals["mode"].AsString() != "OTP" {
		t.Fatal(diagsText(diags))
	}
	_, diags = c.ResolveVariables([]VarArg{{"var", "secret=x"}, {"var", "mode=SMS"}}, nil)
	wantDiags(t, diags, "mode is OTP or LINK, not SMS.", "refers to a sensitive value")
}

// TestVarFileThatIsNotAFile checks -var-file given a folder or a device:
// the error says what the path is, and a device is never read. Found in
// review: -var-file=vars (the folder of the var files) said "it does not
// exist or is not readable", and -var-file=/dev/zero read until memory ran
// out. A pipe (-var-file=<(...)) is still read.
func TestVarFileThatIsNotAFile(t *testing.T) {
	dir := writeDir(t, map[string]string{"main.hcl": variablesConfig, "vars/a.hcl": "name = \"x\"\n"})
	c := mustLoad(t, dir)
	cases := map[string]string{filepath.Join(dir, "vars"): "is a folder"}
	if runtime.GOOS != "windows" {
		cases["/dev/zero"] = "is a device"
	}
	for path, want := range cases {
		_, diags := c.ResolveVariables([]VarArg{{"var-file", path}}, nil)
		if text := diagsText(diags); !diags.HasErrors() || !strings.Contains(text, want) {
			t.Errorf("-var-file=%s: %s", path, text)
		}
	}
}
