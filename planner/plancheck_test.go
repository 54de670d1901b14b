package planner_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// extendedFake is the fake provider with an attribute, nickname, added to
// fake_account's schema and nowhere else; alter, when set, changes what
// the fake plans, as a provider bug would.
type extendedFake struct {
	*enginetest.Provider
	alter func(planned map[string]cty.Value)
	// fields counts the creates planned as their attributes
	// (PlanResourceFields).
	fields atomic.Int64
}

func (p *extendedFake) Schema() providers.Schema {
	s := p.Provider.Schema()
	acct := *s.Resources["fake_account"]
	acct.Attributes = map[string]*providers.Attribute{"nickname": {Type: cty.String, Optional: true}}
	for name, a := range s.Resources["fake_account"].Attributes {
		acct.Attributes[name] = a
	}
	s.Resources = map[string]*providers.Block{"fake_account": &acct, "fake_verification": s.Resources["fake_verification"]}
	return s
}

func (p *extendedFake) PlanResource(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	resp := p.Provider.PlanResource(ctx, req)
	if p.alter != nil && !resp.Diagnostics.HasErrors() {
		m := resp.Planned.AsValueMap()
		p.alter(m)
		resp.Planned = cty.ObjectVal(m)
	}
	return resp
}

// PlanResourceAttrs plans from the attributes as PlanResource does (the
// fake's would not alter the plan).
func (p *extendedFake) PlanResourceAttrs(ctx context.Context, req providers.PlanRequest, a providers.Attrs) (providers.PlanResponse, bool) {
	if req.Prior == cty.NilVal || !req.Prior.IsNull() {
		return providers.PlanResponse{}, false
	}
	req.Config = a.Object()
	return p.PlanResource(ctx, req), true
}

// PlanResourceFields plans from the attributes as PlanResource does, and
// answers the planned object's attributes.
func (p *extendedFake) PlanResourceFields(ctx context.Context, req providers.PlanRequest, a providers.Attrs, names []string) (providers.PlanResponse, []cty.Value, bool) {
	resp, ok := p.PlanResourceAttrs(ctx, req, a)
	if !ok {
		return resp, nil, false
	}
	p.fields.Add(1)
	planned := enginetest.FieldsOf(resp.Planned, names)
	resp.Planned = cty.NilVal
	return resp, planned, true
}

// TestPlannedValueChecked: an attribute added to a provider's schema only
// is planned; a provider that drops it, changes a configured value or
// plans a value of another type gets an error naming the instance and the
// attribute, not a plan that silently loses it.
func TestPlannedValueChecked(t *testing.T) {
	src := `
resource "fake_account" "a" {
  name     = "ani"
  tag      = "t1"
  nickname = "Ani"
  secret   = "s3cret"
  profile {
    city = "Jakarta"
  }
}
`
	tests := map[string]struct {
		alter func(map[string]cty.Value)
		want  string
	}{
		"planned as configured": {},
		"dropped": {
			alter: func(m map[string]cty.Value) { m["nickname"] = cty.NullVal(cty.String) },
			want:  `provider "fake" produced an invalid plan for fake_account.a: .nickname: planned value dropped`,
		},
		"changed": {
			alter: func(m map[string]cty.Value) { m["tag"] = cty.StringVal("t2") },
			want:  `produced an invalid plan for fake_account.a: .tag: planned value does not match config`,
		},
		"sensitive dropped": {
			alter: func(m map[string]cty.Value) { m["secret"] = cty.NullVal(cty.String) },
			want:  `.secret: planned value dropped`,
		},
		"nested block changed": {
			alter: func(m map[string]cty.Value) {
				m["profile"] = cty.ObjectVal(map[string]cty.Value{"city": cty.StringVal("Bandung")})
			},
			want: `.profile.city: planned value does not match config`,
		},
		"nested block dropped": {
			alter: func(m map[string]cty.Value) { m["profile"] = cty.NullVal(m["profile"].Type()) },
			want:  `.profile: planned no value where the configuration has one`,
		},
		"computed-only set by the provider": {
			alter: func(m map[string]cty.Value) { m["id"] = cty.StringVal("id-1") },
		},
		"not of the schema's type": {
			alter: func(m map[string]cty.Value) { delete(m, "nickname") },
			want:  `planned value is not of the schema's type`,
		},
		"unset attribute given a value": {
			alter: func(m map[string]cty.Value) { m["email"] = cty.StringVal("x@example.id") },
			want:  `.email: planned a value for an attribute the configuration leaves unset`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fake := &extendedFake{Provider: enginetest.NewProvider(), alter: tc.alter}
			res, diags := runWith(t, src, fake)
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatalf("plan: %s", diags.Error())
				}
				if got := change(t, res.Plan, "fake_account.a").After.GetAttr("nickname"); !got.RawEquals(cty.StringVal("Ani")) {
					t.Errorf("planned nickname %#v, want \"Ani\"", got)
				}
				return
			}
			if !diags.HasErrors() || !strings.Contains(strings.ToLower(diags.Error()), strings.ToLower(tc.want)) {
				t.Fatalf("diagnostics %q, want one containing %q", diags.Error(), tc.want)

			}
			if strings.Contains(diags.Error(), "s3cret") {
				t.Errorf("a diagnostic shows the secret: %s", diags.Error())
			}
		})
		// The same in a batch, whose creates the walk checks from their
		// configurations' attributes (checkPlannedFields).
		t.Run(name+" in a batch", func(t *testing.T) {
			fake := &extendedFake{Provider: enginetest.NewProvider(), alter: tc.alter}
			batch := strings.Replace(strings.Replace(src, `"a" {`, `"a" {
  for_each = toset([for i in range(150) : format("k%03d", i)])`, 1), `name     = "ani"`, `name     = "ani-${each.key}"`, 1)
			res, diags := runState(t, batch, state.New(), plans.Options{}, fake)
			if n := fake.fields.Load(); n != 150 {
				t.Errorf("%d creates planned as their attributes, want 150", n)
			}
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatalf("plan: %s", diags.Error())
				}
				c := change(t, res.Plan, `fake_account.a["k149"]`)
				if !c.Deferred() {
					t.Fatal("the batch's create was not packed")
				}
				if _, after, err := c.Values(); err != nil || !after.GetAttr("nickname").RawEquals(cty.StringVal("Ani")) {
					t.Errorf("planned %#v, %v; want nickname \"Ani\"", after, err)
				}
				return
			}
			want := tc.want
			if i := strings.Index(want, "fake_account.a: "); i >= 0 {
				want = `fake_account.a["k149"]: ` + want[i+len("fake_account.a: "):]
			}
			var all strings.Builder
			for _, d := range diags {
				all.WriteString(d.Detail + "\n")
			}
			if !diags.HasErrors() || !strings.Contains(strings.ToLower(all.String()), strings.ToLower(want)) || len(diags) != 150 {
				t.Fatalf("%d diagnostics %q, want 150, one containing %q", len(diags), diags.Error(), want)
			}
		})
	}
}
