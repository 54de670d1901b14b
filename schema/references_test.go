package schema

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

func TestReferencesInExpr(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []string
	}{
		"none":      {`"literal"`, nil},
		"variable":  {`var.a`, []string{"var.a"}},
		"local":     {`local.b`, []string{"local.b"}},
		"resource":  {`usapi_account.hire["ani"].username`, []string{"usapi_account.hire"}},
		"data":      {`data.prakerja_profile.me.email`, []string{"data.prakerja_profile.me"}},
		"count":     {`count.index`, []string{"count.index"}},
		"each":      {`[each.key, each.value]`, []string{"each.key", "each.value"}},
		"path":      {`path.module`, []string{"path.module"}},
		"in order":  {`"${var.z}${local.a}${x_y.b.c}"`, []string{"var.z", "local.a", "x_y.b"}},
		"for":       {`[for a in x_y.z : a.id]`, []string{"x_y.z"}},
		"functions": {`lower(var.a)`, []string{"var.a"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			refs, diags := ReferencesInExpr(parseExpr(t, tc.src))
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			var got []string
			for _, r := range refs {
				got = append(got, r.String())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestReferenceDetails(t *testing.T) {
	refs, _ := ReferencesInExpr(parseExpr(t, `data.prakerja_profile.me.email`))
	r := refs[0]
	want := addrs.Resource{Mode: addrs.Data, Type: "prakerja_profile", Name: "me"}
	if r.Kind != RefResource || r.Resource != want || len(r.Traversal) != 4 {
		t.Errorf("got %+v", r)
	}
	if r.Range.Start.Column != 1 || r.Range.End.Column != 25 {
		t.Errorf("the range must cover data.prakerja_profile.me, got %v", r.Range)
	}
}

func TestReferencesInBody(t *testing.T) {
	c := loadSrc(t, `
resource "usapi_account" "a" {
  username = var.name
  basic_profile {
    gender = local.g
  }
}`)
	spec := DecoderSpec(usapiAccountSchema())
	refs, diags := ReferencesInBody(c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "a"}].Config, spec)
	if diags.HasErrors() || len(refs) != 2 || refs[0].String() != "var.name" || refs[1].String() != "local.g" {
		t.Fatalf("got %v %s", refs, diagsText(diags))
	}
	if _, diags := ReferencesInBody(nil, spec); diags != nil {
		t.Error("a nil body has no references")
	}
	_ = hcldec.ImpliedType(spec)
}

func TestCheckReferences(t *testing.T) {
	c := loadSrc(t, scopeConfig)
	refs, _ := ReferencesInExpr(parseExpr(t, `[var.regio, var.zzz, local.prefix, local.x, usapi_acount.one, data.prakerja_profile.me, count.index]`))
	wantDiags(t, c.CheckReferences(refs),
		`There is no input variable named "regio". Did you mean "region"?`,
		`Declare it with a variable "zzz" {} block.`,
		`There is no local value named "x".`,
		"Did you mean usapi_account.one?",
	)
}

func TestDecoderSpec(t *testing.T) {
	spec := DecoderSpec(usapiAccountSchema())
	if got, want := hcldec.ImpliedType(spec), usapiAccountSchema().ImpliedType(); !got.Equals(want) {
		t.Errorf("implied type %#v, want %#v", got, want)
	}
	tests := map[string]struct {
		src  string
		err  string
		want cty.Value
	}{
		"minimal": {`username = "ani"`, "", cty.ObjectVal(map[string]cty.Value{
			"username": cty.StringVal("ani"), "email": cty.NullVal(cty.String), "id": cty.NullVal(cty.String),
			"basic_profile": cty.NullVal(cty.Object(map[string]cty.Type{"gender": cty.String})),
		})},
		"nested": {"username = \"ani\"\nbasic_profile {\n gender = \"Perempuan\"\n}", "", cty.ObjectVal(map[string]cty.Value{
			"username": cty.StringVal("ani"), "email": cty.NullVal(cty.String), "id": cty.NullVal(cty.String),
			"basic_profile": cty.ObjectVal(map[string]cty.Value{"gender": cty.StringVal("Perempuan")}),
		})},
		"missing required": {`email = "a@b.id"`, `The argument "username" is required`, cty.NilVal},
		"computed only":    {"username = \"a\"\nid = \"x\"", `An argument named "id" is not expected here`, cty.NilVal},
		"misspelled":       {"username = \"a\"\nemial = \"x\"", `Did you mean "email"?`, cty.NilVal},
		"wrong type":       {`username = ["a"]`, "Incorrect attribute value type", cty.NilVal},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := loadSrc(t, "resource \"usapi_account\" \"a\" {\n"+tc.src+"\n}\n")
			s := &Scope{Config: c}
			got, diags := s.EvalBody(c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "a"}].Config, spec, Repetition{})
			if tc.err != "" {
				wantDiags(t, diags, tc.err)
				return
			}
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			if !got.RawEquals(tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}
