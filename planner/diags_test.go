package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

func diagLines(diags hcl.Diagnostics) string {
	var lines []string
	for _, d := range diags {
		at := ""
		if d.Subject != nil {
			at = fmt.Sprintf("%d:%d ", d.Subject.Start.Line, d.Subject.Start.Column)
		}
		lines = append(lines, at+d.Summary+": "+d.Detail)
	}
	return strings.Join(lines, "\n")
}

func TestPlanDiagnostics(t *testing.T) {
	// providerBlock takes lines 1-4; the source starts on line 5.
	tests := map[string]struct {
		src  string
		want []string // substrings of the diagnostics, in order
	}{
		"cycle lists every block": {
			src: `locals {
  a = fake_account.x.id
}
resource "fake_account" "x" {
  name = local.a
}`,
			want: []string{"Dependency cycle", "fake_account.x (", "local.a ("},
		},
		"unknown type suggests": {
			src:  "resource \"fake_acount\" \"x\" {\n  name = \"a\"\n}",
			want: []string{`5:10 Unknown resource type`, `Did you mean "fake_account"?`},
		},
		"attribute error at its line": {
			src:  "resource \"fake_account\" \"x\" {\n  count = 1\n  name = \"bad!\"\n}",
			want: []string{"7:3 Invalid name", "(in fake_account.x[0])"},
		},
		"nested attribute error": {
			src:  "resource \"fake_account\" \"x\" {\n  name = \"a\"\n  profile {\n    city = \"nowhere\"\n  }\n}",
			want: []string{"8:5 Invalid city"},
		},
		"cross-resource error at the second block": {
			src:  "resource \"fake_account\" \"x\" {\n  name = \"same\"\n}\nresource \"fake_account\" \"y\" {\n  name = \"same\"\n}",
			want: []string{"9:3 Duplicate account name", "(in fake_account.y)"},
		},
		"for_each known only after apply": {
			src:  "resource \"fake_account\" \"x\" {\n  name = \"a\"\n}\nresource \"fake_account\" \"y\" {\n  for_each = toset([fake_account.x.id])\n  name = each.key\n}",
			want: []string{"Invalid for_each argument", "known only after apply: use -target"},
		},
		"undeclared reference": {
			src:  "resource \"fake_account\" \"x\" {\n  name = fake_account.nope.id\n}",
			want: []string{"fake_account.nope"},
		},
		"provider block may not refer to resources": {
			src:  "resource \"fake_account\" \"x\" {\n  name = \"a\"\n}\nprovider \"other\" {}\n",
			want: []string{"Unknown provider"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := run(t, tc.src, nil, plans.Options{}, nil)
			got := diagLines(diags)
			rest := got
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("diagnostics lack %q:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestPlanMissingProviderBlock(t *testing.T) {
	cfg := enginetest.LoadConfig(t, "resource \"fake_account\" \"x\" {\n  name = \"a\"\n}")
	_, diags := planner.Plan(context.Background(), &planner.Request{Config: cfg, Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}})
	got := diagLines(diags)
	if !strings.Contains(got, "1:1 Missing provider configuration") || !strings.Contains(got, `provider "fake" {`) {
		t.Fatalf("got %s", got)
	}
}

func TestPlanPendingIntents(t *testing.T) {
	src := "resource \"fake_account\" \"a\" {\n  name = \"ani\"\n}"
	tests := map[string]struct {
		resolution providers.Resolution
		opts       plans.Options
		want       string
		outcome    string
		warn       bool
	}{
		"adopted":             {resolution: providers.Adopted, want: "fake_account.a no-op", outcome: "adopted"},
		"not created":         {resolution: providers.NotCreated, want: "fake_account.a create", outcome: "not-created"},
		"undecided":           {resolution: providers.Undecided, want: "fake_account.a no-op", outcome: "undecided", warn: true},
		"undecided, replaced": {resolution: providers.Undecided, opts: plans.Options{Replace: []string{"fake_account.a"}}, want: "fake_account.a create", outcome: "undecided", warn: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fake := enginetest.NewProvider()
			fake.OnResolve = func(req providers.ResolveRequest) providers.ResolveResponse {
				resp := providers.ResolveResponse{Resolution: tc.resolution, Message: "found id-ani"}
				if tc.resolution == providers.Adopted {
					resp.NewState = enginetest.Created(fakePlanned(t, "ani"))
				}
				return resp
			}
			st := stateOf(t, map[string]string{"fake_account.a": ""})
			st.Resources["fake_account.a"].SetPending(&state.Intent{ID: "i1", Operation: "create", Started: time.Now()})
			res, diags := run(t, src, st, tc.opts, fake)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := actions(res.Plan); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if len(res.Plan.Resolutions) != 1 || res.Plan.Resolutions[0].Outcome != tc.outcome {
				t.Fatalf("resolutions %+v", res.Plan.Resolutions)
			}
			if tc.warn != (len(diags) > 0) || (tc.warn && len(tc.opts.Replace) == 0 && !strings.Contains(diags[0].Detail, "daftar import")) {
				t.Fatalf("diagnostics: %s", diagLines(diags))
			}
			if tc.resolution == providers.Adopted && !res.Steps()[0].Persist {
				t.Fatal("an adopted record must be persisted on apply")
			}
		})
	}
}
