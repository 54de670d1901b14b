package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// BenchmarkEvalBatch evaluates a batch configuration as a plan does: the
// local that reads an n-row CSV through csvdecode into a map by username,
// then every instance's body with its each.key and each.value.
func BenchmarkEvalBatch(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var csv strings.Builder
			csv.WriteString("username,first_name,last_name,email,phone_number\n")
			for i := range n {
				fmt.Fprintf(&csv, "u%07d,Nama%d,Keluarga%d,u%07d@example.id,62812%08d\n", i, i, i, i, i)
			}
			c, diags := Load(writeDirB(b, map[string]string{"people.csv": csv.String(), "main.hcl": `
locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}
resource "usapi_account" "hire" {
  for_each     = local.people
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = lower(each.value.email)
  phone_number = each.value.phone_number
}
`}))
			if diags.HasErrors() {
				b.Fatal(diags.Error())
			}
			spec := DecoderSpec(benchAccountBlock())
			hire := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "hire"}]
			b.ReportAllocs()
			for b.Loop() {
				data := &fakeData{locals: map[string]cty.Value{}}
				s := &Scope{Config: c, Data: data}
				people, diags := s.EvalExpr(c.Locals["people"].Expr, cty.DynamicPseudoType, Repetition{})
				if diags.HasErrors() {
					b.Fatal(diags.Error())
				}
				data.locals["people"] = people
				e := s.BodyEvaluator(hire.Config, spec) // once per resource, as the planner does
				for it := people.ElementIterator(); it.Next(); {
					k, v := it.Element()
					if _, diags := e.Eval(EachRepetition(k, v, nil)); diags.HasErrors() {
						b.Fatal(diags.Error())
					}
				}
			}
		})
	}
}

func benchAccountBlock() *providers.Block {
	attrs := map[string]*providers.Attribute{}
	for _, name := range []string{"username", "password", "first_name", "last_name", "email", "phone_number"} {
		attrs[name] = &providers.Attribute{Type: cty.String, Optional: true}
	}
	return &providers.Block{Attributes: attrs}
}
