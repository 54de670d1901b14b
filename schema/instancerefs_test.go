package schema

import (
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

func TestInstanceReferences(t *testing.T) {
	tests := map[string]struct {
		src          string
		keyed, whole string // resources, sorted, space-separated
	}{
		"each key":         {`a = usapi_account.p[each.key].email`, "usapi_account.p", ""},
		"count index":      {`a = usapi_account.p[count.index].email`, "usapi_account.p", ""},
		"literal":          {`a = usapi_account.p["ani"].email`, "usapi_account.p", ""},
		"data source":      {`a = data.prakerja_profile.me[each.key].email`, "data.prakerja_profile.me", ""},
		"variable in key":  {`a = usapi_account.p["${var.prefix}${each.value.id}"].email`, "usapi_account.p", ""},
		"plain":            {`a = usapi_account.p.email`, "", "usapi_account.p"},
		"splat":            {`a = usapi_account.p[*].email`, "", "usapi_account.p"},
		"for":              {`a = [for x in usapi_account.p : x.id]`, "", "usapi_account.p"},
		"for symbol key":   {`a = [for k in ["a"] : usapi_account.p[k].id]`, "", "usapi_account.p"},
		"resource key":     {`a = usapi_account.p[usapi_account.q.id].id`, "", "usapi_account.p usapi_account.q"},
		"local with res":   {`a = usapi_account.p[local.k].id`, "", "usapi_account.p"},
		"plain local":      {`a = usapi_account.p[local.plain].id`, "usapi_account.p", ""},
		"both ways":        {"a = usapi_account.p[each.key].id\nb = length(usapi_account.p)", "", "usapi_account.p"},
		"nested block":     {"profile {\n  city = usapi_account.p[each.key].city\n}", "usapi_account.p", ""},
		"depends_on whole": {`depends_on = [usapi_account.p]`, "", "usapi_account.p"},
	}
	plainLocal := func(name string) bool { return name == "plain" }
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, diags := hclparse.NewParser().ParseHCL([]byte(tc.src+"\n"), "t.hcl")
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			keyed, whole, ok := InstanceReferences([]hcl.Body{f.Body}, nil, plainLocal)
			if !ok {
				t.Fatal("a native body must be read")
			}
			var k, w []string
			for r := range keyed {
				k = append(k, r.String())
			}
			for r := range whole {
				if strings.HasPrefix(r.Type, "usapi_") { // not the for expressions' symbols
					w = append(w, r.String())
				}
			}
			sort.Strings(k)
			sort.Strings(w)
			if got := strings.Join(k, " "); got != tc.keyed {
				t.Errorf("keyed %q, want %q", got, tc.keyed)
			}
			if got := strings.Join(w, " "); got != tc.whole {
				t.Errorf("whole %q, want %q", got, tc.whole)
			}
		})
	}
	f, diags := hclparse.NewParser().ParseJSON([]byte(`{"a": "${usapi_account.p[each.key].id}"}`), "t.hcl.json")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, _, ok := InstanceReferences([]hcl.Body{f.Body}, nil, plainLocal); ok {
		t.Error("a JSON body cannot be read per instance: ok must be false")
	}
}
