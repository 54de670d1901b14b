package schema

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
)

// A removed block forgets a resource or a module call no longer declared,
// and must say lifecycle { destroy = false }: every other form is an
// error at its line, before any request.
func TestRemovedBlocks(t *testing.T) {
	const forget = "\n  lifecycle {\n    destroy = false\n  }\n}\n"
	t.Run("a resource and a module call", func(t *testing.T) {
		dir := writeDir(t, map[string]string{"main.hcl": "removed {\n  from = usapi_account.old" + forget + "removed {\n  from = module.hires" + forget})
		c, diags := Load(dir)
		if diags.HasErrors() {
			t.Fatal(diagsText(diags))
		}
		if len(c.Removed) != 2 || c.Removed[0].Resource != (addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "old"}) ||
			c.Removed[1].Module != "hires" || c.Removed[0].String() != "usapi_account.old" || c.Removed[1].String() != "module.hires" {
			t.Fatalf("removed blocks %+v", c.Removed)
		}
	})
	tests := map[string]struct{ src, want string }{
		"no lifecycle":        {"removed {\n  from = usapi_account.old\n}\n", "daftar cannot destroy removed records: None of the APIs can delete a record"},
		"destroy = true":      {"removed {\n  from = usapi_account.old\n  lifecycle {\n    destroy = true\n  }\n}\n", "lifecycle { destroy = false }"},
		"destroy not literal": {"variable \"d\" {\n  default = false\n}\nremoved {\n  from = usapi_account.old\n  lifecycle {\n    destroy = var.d\n  }\n}\n", "destroy must be written as true or false"},
		"an instance":         {"removed {\n  from = usapi_account.old[\"ani\"]" + forget, "Invalid address in removed block: Expected a managed resource"},
		"a data source":       {"removed {\n  from = data.prakerja_profile.me" + forget, "data sources are never in the state"},
		"still declared": {"resource \"usapi_account\" \"old\" {\n  username = \"ani\"\n}\nremoved {\n  from = usapi_account.old" + forget,
			"Removed resource still declared: usapi_account.old is declared at "},
		"a provisioner": {"removed {\n  from = usapi_account.old\n  provisioner \"local-exec\" {\n  }" + forget, "daftar runs no provisioners"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := Load(writeDir(t, map[string]string{"main.hcl": tc.src}))
			wantDiags(t, diags, tc.want)
			if d := diags[0]; d.Subject == nil || d.Subject.Start.Line < 1 || d.Subject.Filename == "" {
				t.Errorf("diagnostic at %v, want the block's line", d.Subject)
			}
		})
	}
}
