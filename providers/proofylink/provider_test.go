package proofylink

import (
	"slices"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

func TestConfigure(t *testing.T) {
	tests := map[string]struct {
		endpoint, token string
		errs            []string // paths of the errors
	}{
		"valid":           {"http://127.0.0.1:8787/proofylink/", "t", nil},
		"no token":        {"http://127.0.0.1:8787", "", []string{"token"}},
		"sandbox unwired": {"sandbox", "t", []string{"endpoint"}},
		"nothing at all":  {"", "", []string{"token", "endpoint"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := New()
			cfg := cty.ObjectVal(map[string]cty.Value{
				"endpoint": cty.StringVal(tt.endpoint), "token": cty.StringVal(tt.token), "rate_limit": cty.NumberIntVal(5),
			})
			diags := p.Configure(t.Context(), providers.ConfigureRequest{Config: cfg})
			var got []string
			for _, d := range diags {
				got = append(got, pathString(d.Path))
			}
			if len(got) != len(tt.errs) {
				t.Fatalf("errors at %v, want %v", got, tt.errs)
			}
			for i := range got {
				if got[i] != tt.errs[i] {
					t.Errorf("errors at %v, want %v", got, tt.errs)
				}
			}
		})
	}
	p := New()
	p.Configure(t.Context(), providers.ConfigureRequest{Endpoint: "http://x/proofylink/", Config: cty.ObjectVal(map[string]cty.Value{
		"endpoint": cty.StringVal("sandbox"), "token": cty.StringVal("t"), "rate_limit": cty.NullVal(cty.Number),
	})})
	if p.conf().client.base != "http://x/proofylink" {
		t.Errorf("base %q: the engine's Endpoint wins over \"sandbox\"", p.conf().client.base)
	}
}

func TestSchema(t *testing.T) {
	s := New().Schema()
	res := s.Resources[verificationType]
	if res == nil || s.DataSources[listDataType] == nil || s.DataSources[balanceDataType] == nil {
		t.Fatalf("schema %+v", s)
	}
	if !res.ImpliedType().Equals(verification.ty) {
		t.Error("state type differs from the schema")
	}
	if !s.Provider.Attributes["token"].Sensitive || !res.Attributes["id_number"].Sensitive {
		t.Error("token and id_number must be sensitive")
	}
	// Every attribute is in exactly one derived list: an input, a digest
	// the plan sets, or a value the API sets.
	seen := map[string]int{}
	for _, name := range append(append([]string{}, verification.inputs...), append(verification.digests, verification.remote...)...) {
		seen[name]++
	}
	for name := range res.ImpliedType().AttributeTypes() {
		if seen[name] != 1 {
			t.Errorf("%s is in %d of the lists derived from the schema", name, seen[name])
		}
	}
	for _, name := range []string{"wait_for_result", "allow_repeat", "archive_reports"} {
		if slices.Contains(verification.replace, name) {
			t.Errorf("%s must not force a replacement", name)
		}
	}
}
