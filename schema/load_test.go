package schema

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

const fullConfig = `
daftar {
  backend "local" {
    path = "x.json"
  }
}

variable "region" {
  type        = string
  default     = "jakarta"
  description = "Where."
  sensitive   = false
}

locals {
  prefix = "hire-${var.region}"
}

provider "usapi" {
  endpoint = "sandbox"
}

resource "usapi_account" "hire" {
  for_each   = toset(["ani", "budi"])
  username   = "${local.prefix}-${each.key}"
  depends_on = [data.prakerja_profile.me]
  lifecycle {
    ignore_changes = [email, basic_profile.gender]
  }
}

resource "proofylink_verification" "check" {
  count     = 2
  full_name = usapi_account.hire["ani"].first_name
  lifecycle {
    ignore_changes = all
  }
}

data "prakerja_profile" "me" {
  access_token = "sbx-1"
}

output "names" {
  value       = [for a in usapi_account.hire : a.username]
  description = "Usernames."
  sensitive   = true
  depends_on  = [proofylink_verification.check]
}
`

func TestLoadEveryBlock(t *testing.T) {
	c := loadSrc(t, fullConfig)
	hire := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "hire"}]
	check := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "proofylink_verification", Name: "check"}]
	me := c.Resources[addrs.Resource{Mode: addrs.Data, Type: "prakerja_profile", Name: "me"}]
	switch {
	case c.Settings == nil || c.Settings.Backend == nil || c.Settings.Backend.Type != "local":
		t.Error("the daftar block's backend was not decoded")
	case c.Variables["region"] == nil || c.Variables["region"].Type != cty.String || c.Variables["region"].Default != cty.StringVal("jakarta"):
		t.Error("the variable was not decoded")
	case c.Variables["region"].Description != "Where.":
		t.Error("the variable's description was not decoded")
	case c.Locals["prefix"] == nil:
		t.Error("the local was not decoded")
	case c.Providers["usapi"] == nil:
		t.Error("the provider was not decoded")
	case hire == nil || hire.ForEach == nil || hire.Count != nil || len(hire.DependsOn) != 1 || len(hire.IgnoreChanges) != 2:
		t.Errorf("the for_each resource was not decoded: %+v", hire)
	case check == nil || check.Count == nil || !check.IgnoreAllChanges:
		t.Errorf("the count resource was not decoded: %+v", check)
	case me == nil:
		t.Error("the data source was not decoded")
	case c.Outputs["names"] == nil || !c.Outputs["names"].Sensitive || len(c.Outputs["names"].DependsOn) != 1:
		t.Error("the output was not decoded")
	}
	if a, ok := hire.IgnoreChanges[1][0].(hcl.TraverseAttr); !ok || a.Name != "basic_profile" || len(hire.IgnoreChanges[1]) != 2 {
		t.Errorf("ignore_changes path: got %#v", hire.IgnoreChanges[1])
	}
	if attrs, _ := hire.Config.JustAttributes(); len(attrs) != 1 || attrs["username"] == nil {
		t.Errorf("the resource body must keep only the provider's arguments, got %v", mapKeys(attrs))
	}
	if c.Parser() == nil || len(c.Files) != 1 || len(c.Sources) != 1 {
		t.Error("the parser, files and sources must be kept")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []string
	}{
		"unknown block":           {`resourse "a_b" "c" {}`, []string{`Did you mean "resource"?`}},
		"duplicate variable":      {"variable \"a\" {}\nvariable \"a\" {}", []string{"previously declared at"}},
		"duplicate local":         {"locals {\n a = 1\n}\nlocals {\n a = 2\n}", []string{"Duplicate local value"}},
		"duplicate resource":      {"resource \"a_b\" \"c\" {}\nresource \"a_b\" \"c\" {}", []string{"Duplicate resource"}},
		"duplicate data":          {"data \"a_b\" \"c\" {}\ndata \"a_b\" \"c\" {}", []string{"Duplicate data source"}},
		"duplicate provider":      {"provider \"a\" {}\nprovider \"a\" {}", []string{"Duplicate provider configuration"}},
		"duplicate output":        {"output \"a\" {\n value = 1\n}\noutput \"a\" {\n value = 2\n}", []string{"Duplicate output"}},
		"count and for_each":      {"resource \"a_b\" \"c\" {\n count = 1\n for_each = {}\n}", []string{"count\" and \"for_each"}},
		"provider meta-argument":  {"resource \"a_b\" \"c\" {\n provider = a\n}", []string{"prefix of its type"}},
		"depends_on attribute":    {"resource \"a_b\" \"c\" {\n depends_on = [a_b.d.e]\n}", []string{"Invalid depends_on"}},
		"depends_on variable":     {"resource \"a_b\" \"c\" {\n depends_on = [var.x]\n}", []string{"Invalid depends_on"}},
		"depends_on not a list":   {"resource \"a_b\" \"c\" {\n depends_on = a_b.d\n}", []string{"list"}},
		"data lifecycle":          {"data \"a_b\" \"c\" {\n lifecycle {\n  ignore_changes = all\n }\n}", []string{"Unsupported argument ignore_changes"}},
		"self in precondition":    {"resource \"a_b\" \"c\" {\n lifecycle {\n  precondition {\n   condition = self.x\n   error_message = \"m\"\n  }\n }\n}", []string{`Invalid reference to "self"`}},
		"remote module source":    {"module \"hire\" {\n source = \"git::https://example.com/person.git\"\n}", []string{"Only local module sources are supported"}},
		"missing module dir":      {"module \"hire\" {\n source = \"./modules/person\"\n}", []string{"Cannot read module"}},
		"check without assert":    {"check \"c\" {\n}", []string{"needs at least one assert"}},
		"check two scoped data":   {"check \"c\" {\n data \"a_b\" \"d\" {}\n data \"a_b\" \"e\" {}\n assert {\n  condition = true\n  error_message = \"m\"\n }\n}", []string{"Too many data blocks in check block"}},
		"check scoped data twice": {"data \"a_b\" \"d\" {}\ncheck \"c\" {\n data \"a_b\" \"d\" {}\n assert {\n  condition = true\n  error_message = \"m\"\n }\n}", []string{"Duplicate data source"}},
		"condition missing msg":   {"output \"o\" {\n value = 1\n precondition {\n  condition = true\n }\n}", []string{"Missing required argument"}},
		"ignore_changes string":   {"resource \"a_b\" \"c\" {\n lifecycle {\n  ignore_changes = [\"x\"]\n }\n}", []string{"Invalid ignore_changes"}},
		"bad resource name":       {`resource "a_b" "1c" {}`, []string{"Invalid resource name"}},
		"bad type":                {`variable "a" { type = strin }`, []string{"not a valid type"}},
		"bad default":             {"variable \"a\" {\n type = number\n default = \"x\"\n}", []string{"Invalid default value for variable"}},
		"validation reference":    {"variable \"a\" {\n validation {\n  condition = var.b == 1\n  error_message = \"no\"\n }\n}", []string{"No variable \"b\" is declared. Did you mean \"a\"?"}},
		"validation local":        {"variable \"a\" {\n validation {\n  condition = local.b == 1\n  error_message = \"no\"\n }\n}", []string{"may refer only to input variables"}},
		"ephemeral":               {"variable \"a\" {\n ephemeral = true\n}", []string{"sensitive = true instead"}},
		"nullable null default":   {"variable \"a\" {\n nullable = false\n default = null\n}", []string{"its default cannot be null"}},
		"output without value":    {`output "a" {}`, []string{"Missing required argument"}},
		"two daftar blocks":       {"daftar {}\ndaftar {}", []string{"Duplicate daftar settings block"}},
		"all errors together": {"resourc \"a_b\" \"c\" {}\nvariable \"a\" {}\nvariable \"a\" {}\nresource \"a_b\" \"d\" {\n provider = x\n}",
			[]string{"Did you mean", "Duplicate variable", "provider"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := Load(writeDir(t, map[string]string{"main.hcl": tc.src}))
			wantDiags(t, diags, tc.want...)
		})
	}
}

func TestLoadFilesInNameOrder(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"b.hcl":      `variable "a" {}`,
		"a.hcl":      `variable "a" {}`,
		"c.hcl.json": `{"variable": {"j": {"default": 1}}}`,
		"skip.txt":   `not hcl`,
	})
	c, diags := Load(dir)
	wantDiags(t, diags, "previously declared at "+dir+"/a.hcl:1:1")
	if c.Variables["j"] == nil || !c.Variables["j"].Default.RawEquals(cty.NumberIntVal(1)) {
		t.Errorf("the JSON file was not read: %#v", c.Variables["j"])
	}
}

func TestLoadRelativeFileNames(t *testing.T) {
	t.Chdir(writeDir(t, map[string]string{"conf/main.hcl": `variable "a" {}`}))
	c, diags := Load("conf")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := c.Variables["a"].DeclRange.Filename; got != "conf/main.hcl" {
		t.Errorf("file name %q, want conf/main.hcl", got)
	}
	c, _ = Load(".")
	if len(c.Variables) != 0 {
		t.Error("files in subdirectories must not be read")
	}
}

func TestLoadMissingDir(t *testing.T) {
	_, diags := Load("does-not-exist")
	wantDiags(t, diags, "Cannot read the configuration directory")
}
