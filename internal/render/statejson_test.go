package render

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// stateJSONWhole is show -json as it was encoded before it was written a
// resource at a time: the whole document built, then encoded at once.
func stateJSONWhole(w *bytes.Buffer, resources []*Resource, outs []StateOutput) error {
	root := &jsonModule{Resources: []any{}}
	for _, r := range resources {
		jr := stateJSONResource{Address: r.Address, Mode: r.Mode, Type: r.Type, Name: r.Name, Index: r.Index, Provider: r.Provider, Pending: r.Pending}
		jr.Values, jr.SensitiveValues = valueJSON(r.Value, sensitiveSet(r.Sensitive))
		m := root
		if inst, err := addrs.ParseInstance(r.Address); err == nil {
			m = root.child(inst.ModuleInstances())
			if inst.Resource.KeyedModule() {
				jr.Index = keyValue(inst.OwnKey())
			}
		}
		m.Resources = append(m.Resources, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{
		"format_version": "1",
		"values":         map[string]any{"outputs": OutputsJSON(outs), "root_module": root},
	})
}

// TestStateJSONWrittenAsEncodedWhole: show -json written a resource at a
// time is byte for byte the document encoded whole, with no resource, with
// root resources only, and with modules (nested, keyed, their resources
// among the root's in address order), outputs sensitive or not, values
// with characters encoding/json escapes and sensitive attributes; and
// Terraform's own types read it.
func TestStateJSONWrittenAsEncodedWhole(t *testing.T) {
	account := func(addr, name string, idx any, email string) *Resource {
		return &Resource{Address: addr, Mode: "managed", Type: "usapi_account", Name: name, Index: idx, Provider: "usapi",
			Value:     cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal(email), "password": cty.StringVal("x"), "n": cty.NumberIntVal(3)}),
			Sensitive: []cty.Path{cty.GetAttrPath("password")}}
	}
	pending := &Resource{Address: `usapi_account.p["zz"]`, Mode: "managed", Type: "usapi_account", Name: "p", Index: "zz", Provider: "usapi", Value: cty.NilVal, Pending: "an apply started creating it"}
	outs := []StateOutput{
		{Name: "registered", Value: cty.NumberIntVal(2)},
		{Name: "secret", Value: cty.StringVal("s"), Sensitive: true},
		{Name: "html", Value: cty.StringVal("<a & b>")},
	}
	cases := map[string][]*Resource{
		"empty": nil,
		"root":  {account(`usapi_account.p["ani"]`, "p", "ani", "ani@example.id"), account(`usapi_account.p["b<&>"]`, "p", "b<&>", "b@example.id"), pending},
		"modules": {
			account(`module.team["a"].module.inner.usapi_account.q`, "q", nil, "q@example.id"),
			account(`module.team["a"].usapi_account.p[0]`, "p", 0, "p0@example.id"),
			account(`module.team["b"].usapi_account.p[0]`, "p", 0, "b0@example.id"),
			account(`usapi_account.solo`, "solo", nil, "solo@example.id"),
		},
		"modules only": {account(`module.one.usapi_account.p`, "p", nil, "one@example.id")},
	}
	for name, resources := range cases {
		for _, o := range [][]StateOutput{nil, outs} {
			var want, got bytes.Buffer
			if err := stateJSONWhole(&want, resources, o); err != nil {
				t.Fatal(err)
			}
			if err := StateJSON(&got, resources, o); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s (%d outputs): written\n%s\nencoded whole\n%s", name, len(o), got.String(), want.String())
			}
			var st tfjson.State
			if err := json.Unmarshal(got.Bytes(), &st); err != nil || st.Values == nil || st.Values.RootModule == nil {
				t.Errorf("%s: terraform-json does not read it: %v", name, err)
			}
		}
	}
}
