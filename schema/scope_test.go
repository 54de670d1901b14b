package schema

import (
	"os"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// fakeData serves prebuilt values and counts the lookups.
type fakeData struct {
	locals    map[string]cty.Value
	resources map[addrs.Resource]cty.Value
}

func (d *fakeData) Local(name string) (cty.Value, bool) {
	v, ok := d.locals[name]
	return v, ok
}

func (d *fakeData) Resource(addr addrs.Resource) (cty.Value, bool) {
	v, ok := d.resources[addr]
	return v, ok
}

const scopeConfig = `
variable "region" {
  default = "jakarta"
}
variable "secret" {
  sensitive = true
  default   = "s3cret"
}
locals {
  prefix = "p"
}
resource "usapi_account" "hire" {
  for_each = {}
}
resource "usapi_account" "one" {}
resource "proofylink_verification" "check" {
  count = 2
}
data "prakerja_profile" "me" {}
`

func newTestScope(t *testing.T) *Scope {
	c := loadSrc(t, scopeConfig)
	vars, diags := c.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	hire := addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "hire"}
	one := addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "one"}
	check := addrs.Resource{Mode: addrs.Managed, Type: "proofylink_verification", Name: "check"}
	me := addrs.Resource{Mode: addrs.Data, Type: "prakerja_profile", Name: "me"}
	return &Scope{
		Config: c,
		Vars:   vars,
		Data: &fakeData{
			locals: map[string]cty.Value{"prefix": cty.StringVal("p")},
			resources: map[addrs.Resource]cty.Value{
				hire: cty.ObjectVal(map[string]cty.Value{
					"ani": cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani")}),
				}),
				one: cty.ObjectVal(map[string]cty.Value{"id": cty.UnknownVal(cty.String)}),
				check: cty.TupleVal([]cty.Value{
					cty.ObjectVal(map[string]cty.Value{"status": cty.StringVal("completed")}),
				}),
				me: cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("me@example.id")}),
			},
		},
	}
}

func parseExpr(t *testing.T, src string) hcl.Expression {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "expr.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	return expr
}

func TestEvalExpr(t *testing.T) {
	s := newTestScope(t)
	each := EachRepetition(cty.StringVal("ani"), cty.NumberIntVal(7), nil)
	count := CountRepetition(cty.NumberIntVal(3), nil)
	wd, _ := os.Getwd()
	tests := map[string]struct {
		src  string
		want cty.Type
		rep  Repetition
		val  cty.Value
	}{
		"variable":          {`var.region`, cty.String, Repetition{}, cty.StringVal("jakarta")},
		"local":             {`"${local.prefix}-x"`, cty.String, Repetition{}, cty.StringVal("p-x")},
		"for_each resource": {`usapi_account.hire["ani"].username`, cty.String, Repetition{}, cty.StringVal("ani")},
		"count resource":    {`proofylink_verification.check[0].status`, cty.String, Repetition{}, cty.StringVal("completed")},
		"data source":       {`upper(data.prakerja_profile.me.email)`, cty.String, Repetition{}, cty.StringVal("ME@EXAMPLE.ID")},
		"unknown":           {`usapi_account.one.id`, cty.String, Repetition{}, cty.UnknownVal(cty.String)},
		"each":              {`"${each.key}=${each.value}"`, cty.String, each, cty.StringVal("ani=7")},
		"count":             {`count.index + 1`, cty.Number, count, cty.NumberIntVal(4)},
		"converted":         {`count.index`, cty.String, count, cty.StringVal("3")},
		"sensitive":         {`"x-${var.secret}"`, cty.String, Repetition{}, cty.StringVal("x-s3cret").Mark(Sensitive)},
		"path.module":       {`path.module`, cty.String, Repetition{}, cty.StringVal(s.Config.Dir)},
		"path.cwd":          {`path.cwd`, cty.String, Repetition{}, cty.StringVal(wd)},
		"try":               {`try(var.region.x, "fallback")`, cty.String, Repetition{}, cty.StringVal("fallback")},
		"no conversion":     {`[1, "a"]`, cty.DynamicPseudoType, Repetition{}, cty.TupleVal([]cty.Value{cty.NumberIntVal(1), cty.StringVal("a")})},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, diags := s.EvalExpr(parseExpr(t, tc.src), tc.want, tc.rep)
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			if !got.RawEquals(tc.val) {
				t.Errorf("got %#v, want %#v", got, tc.val)
			}
		})
	}
}

func TestEvalExprErrors(t *testing.T) {
	s := newTestScope(t)
	tests := map[string]struct {
		src  string
		want cty.Type
		err  string
	}{
		"undeclared variable": {`var.regoin`, cty.String, `Did you mean "region"?`},
		"undeclared local":    {`local.prefx`, cty.String, `Did you mean "prefix"?`},
		"undeclared resource": {`usapi_account.hier.username`, cty.String, "Did you mean usapi_account.hire?"},
		"undeclared data":     {`data.prakerja_profile.mi.email`, cty.String, "Did you mean data.prakerja_profile.me?"},
		"each outside":        {`each.key`, cty.String, "without for_each"},
		"count outside":       {`count.index`, cty.Number, "without count"},
		"bad each attribute":  {`each.kye`, cty.String, `Did you mean "key"?`},
		"bad path attribute":  {`path.modul`, cty.String, `Did you mean "module"?`},
		"type mismatch":       {`[1]`, cty.String, "Incorrect value type"},
		"self":                {`self.x`, cty.String, `no "self" object`},
		"bare resource type":  {`usapi_account`, cty.String, "TYPE.NAME"},
		"unknown function":    {`uppr("a")`, cty.String, `Did you mean "upper"?`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := s.EvalExpr(parseExpr(t, tc.src), tc.want, Repetition{})
			wantDiags(t, diags, tc.err)
			if diags[0].Subject == nil || diags[0].Subject.Filename != "expr.hcl" {
				t.Errorf("the error must point at the expression, got %v", diags[0].Subject)
			}
		})
	}
}

func TestEvalExprNotReady(t *testing.T) {
	s := newTestScope(t)
	s.Data = &fakeData{}
	_, diags := s.EvalExpr(parseExpr(t, `local.prefix`), cty.String, Repetition{})
	wantDiags(t, diags, "bug in daftar")
}

func TestEvalContextHoldsOnlyReferences(t *testing.T) {
	s := newTestScope(t)
	refs, _ := ReferencesInExpr(parseExpr(t, `usapi_account.hire["ani"].username`))
	ctx, diags := s.evalContext(refs, Repetition{})
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	if len(ctx.Variables) != 1 || len(ctx.Variables["usapi_account"].Type().AttributeTypes()) != 1 {
		t.Errorf("the context must hold only usapi_account.hire, got %#v", ctx.Variables)
	}
}

func BenchmarkEvalExprLargeResource(b *testing.B) {
	c, _ := Load(writeDirB(b, map[string]string{"main.hcl": `resource "usapi_account" "hire" {}`}))
	elems := make(map[string]cty.Value, 100000)
	for i := range 100000 {
		elems["k"+itoa(i)] = cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("u")})
	}
	hire := addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "hire"}
	s := &Scope{Config: c, Data: &fakeData{resources: map[addrs.Resource]cty.Value{hire: cty.ObjectVal(elems)}}}
	expr, _ := hclsyntax.ParseExpression([]byte(`usapi_account.hire[each.key].username`), "b.hcl", hcl.InitialPos)
	rep := EachRepetition(cty.StringVal("k5"), cty.StringVal("x"), nil)
	b.ResetTimer()
	for range b.N {
		if _, diags := s.EvalExpr(expr, cty.String, rep); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
