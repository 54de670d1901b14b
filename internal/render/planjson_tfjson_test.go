package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

// TestPlanJSONReadByTerraformConsumer reads plan -json with the structs
// Terraform's own tools use (hashicorp/terraform-json): a Terraform
// consumer must find each change's actions, provider and values there.
func TestPlanJSONReadByTerraformConsumer(t *testing.T) {
	var buf bytes.Buffer
	if err := PlanJSON(&buf, samplePlan(t)); err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatalf("terraform-json refuses the plan: %v", err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, rc := range p.ResourceChanges {
		var actions []string
		for _, a := range rc.Change.Actions {
			actions = append(actions, string(a))
		}
		got[rc.Address] = actions
		if rc.ProviderName == "" || rc.Type == "" || rc.Name == "" || rc.Mode != tfjson.ManagedResourceMode {
			t.Errorf("%s: provider_name %q, type %q, name %q, mode %q", rc.Address, rc.ProviderName, rc.Type, rc.Name, rc.Mode)
		}
	}
	want := map[string][]string{
		`usapi_account.hire["ani"]`:        {"create"},
		`usapi_account.hire["budi"]`:       {"update"},
		"proofylink_verification.check[0]": {"create", "forget"},
		"usapi_account.old":                {"forget"},
		"usapi_account.same":               {"no-op"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	byAddr := map[string]*tfjson.ResourceChange{}
	for _, rc := range p.ResourceChanges {
		byAddr[rc.Address] = rc
	}
	ani := byAddr[`usapi_account.hire["ani"]`]
	if !ani.Change.Actions.Create() || ani.Index != "ani" {
		t.Errorf("ani: actions %v, index %v", ani.Change.Actions, ani.Index)
	}
	if !byAddr["usapi_account.old"].Change.Actions.Forget() {
		t.Errorf("old: %v is not a forget to terraform-json", byAddr["usapi_account.old"].Change.Actions)
	}
	if idx := byAddr["proofylink_verification.check[0]"].Index; idx != float64(0) {
		t.Errorf("check[0]: index %v (%T)", idx, idx)
	}
	// Sensitive values: null in after, true in after_sensitive.
	after := ani.Change.After.(map[string]any)
	if after["password"] != nil || after["username"] != "ani" {
		t.Errorf("ani's after: %v", after)
	}
	if s := ani.Change.AfterSensitive.(map[string]any); s["password"] != true || s["username"] != false {
		t.Errorf("ani's after_sensitive: %v", s)
	}
	if u := ani.Change.AfterUnknown.(map[string]any); u["id"] != true {
		t.Errorf("ani's after_unknown: %v", u)
	}
	if s := byAddr["usapi_account.old"].Change.BeforeSensitive.(map[string]any); s["password"] != true {
		t.Errorf("old's before_sensitive: %v", s)
	}
	if out := p.OutputChanges["secret"]; out == nil || out.After != nil || out.AfterSensitive != true {
		t.Errorf("output secret: %+v", out)
	}
	if strings.Contains(buf.String(), "hmac-sha256:00ff") || strings.Contains(buf.String(), "shh") {
		t.Error("plan JSON shows a sensitive value")
	}
}

// TestPlanJSONKeepsVersion01 checks that what version 0.1 printed is
// still there beside Terraform's names.
func TestPlanJSONKeepsVersion01(t *testing.T) {
	var buf bytes.Buffer
	if err := PlanJSON(&buf, samplePlan(t)); err != nil {
		t.Fatal(err)
	}
	var got struct {
		ResourceChanges []struct {
			Address, Action, Provider string
			Spends                    int
		} `json:"resource_changes"`
		Spends      []struct{ Count int }
		Resolutions []struct{ Outcome string }
		Summary     map[string]int
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	rc := got.ResourceChanges[2] // proofylink_verification.check[0]
	if rc.Action != "replace" || rc.Provider != "proofylink" || rc.Spends != 1 {
		t.Errorf("first change: %+v", rc)
	}
	if len(got.Spends) != 1 || len(got.Resolutions) != 1 || got.Summary["forget"] != 1 || got.Summary["add"] != 1 {
		t.Errorf("additions: %+v", got)
	}
}
