package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestPlanJSONCountedByTerraformTools reads plan -json and show -json
// PLANFILE with hashicorp/terraform-json, as a CI tool written for
// Terraform does, and counts the creates.
func TestPlanJSONCountedByTerraformTools(t *testing.T) {
	dir := example(t, "quickstart")
	for _, args := range [][]string{{"plan", "-json", "-out=review.plan"}, {"show", "-json", "review.plan"}} {
		r := must(t, 0, dir, args...)
		var p tfjson.Plan
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
			t.Fatalf("%s: terraform-json cannot read it: %v\n%s", args[0], err, r)
		}
		creates := 0
		for _, rc := range p.ResourceChanges {
			if rc.Change.Actions.Create() {
				creates++
			}
		}
		if creates != 4 || p.FormatVersion != "1.2" {
			t.Errorf("%s: %d creates in format %q, want 4 in 1.2", args[0], creates, p.FormatVersion)
		}
		for _, secret := range []string{"Selamat-Datang-2026", "3171015504960001", "sandbox-usapi-key"} {
			if strings.Contains(r.stdout, secret) {
				t.Errorf("%s -json shows %q in clear", args[0], secret)
			}
		}
	}
}

// uiEvent is the part of an event every machine-readable UI line has.
type uiEvent struct {
	Level     string    `json:"@level"`
	Message   string    `json:"@message"`
	Module    string    `json:"@module"`
	Timestamp time.Time `json:"@timestamp"`
	Type      string    `json:"type"`
	Hook      *struct {
		Resource struct{ Addr, ResourceType string }
		Action   string
	} `json:"hook"`
	Changes *struct {
		Add       int
		Operation string
	} `json:"changes"`
}

// TestApplyJSONIsTerraformsMachineReadableUI parses apply -json line by
// line as a Terraform UI consumer does: every line one event with the @
// fields, the version first, the planned changes and the plan's
// change_summary before any apply_start, the apply's change_summary last.
func TestApplyJSONIsTerraformsMachineReadableUI(t *testing.T) {
	dir := example(t, "quickstart")
	r := must(t, 0, dir, "apply", "-auto-approve", "-json")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	counts := map[string]int{}
	var events []uiEvent
	for _, line := range lines {
		var e uiEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not one JSON event per line: %q: %v", line, err)
		}
		if e.Module != "daftar.ui" || e.Message == "" || e.Timestamp.IsZero() || (e.Level != "info" && e.Level != "warn" && e.Level != "error") {
			t.Errorf("event without Terraform's @ fields: %s", line)
		}
		msg, err := tfjson.UnmarshalLogMessage([]byte(line))
		if err != nil || msg.Message() != e.Message || string(msg.Level()) != e.Level {
			t.Errorf("terraform-json reads %s as %v (%v)", line, msg, err)
		}
		if strings.HasPrefix(e.Type, "apply_") && (e.Hook == nil || e.Hook.Resource.Addr == "" || e.Hook.Action != "create") {
			t.Errorf("%s without its hook: %s", e.Type, line)
		}
		counts[e.Type]++
		events = append(events, e)
	}
	var v tfjson.VersionLogMessage
	if err := json.Unmarshal([]byte(lines[0]), &v); err != nil || events[0].Type != "version" || v.UI == nil || v.UI.Original() != "1.2" || !strings.HasPrefix(v.Message(), "daftar ") {
		t.Errorf("first event %q is not the version", lines[0])
	}
	want := map[string]int{"version": 1, "planned_change": 4, "change_summary": 2, "apply_start": 4, "apply_complete": 4}
	for typ, n := range want {
		if counts[typ] != n {
			t.Errorf("%d %s events, want %d (all: %v)", counts[typ], typ, n, counts)
		}
	}
	plan, last := events[1+counts["planned_change"]], events[len(events)-1]
	if plan.Type != "change_summary" || plan.Changes == nil || plan.Changes.Operation != "plan" || plan.Changes.Add != 4 {
		t.Errorf("the plan's change_summary: %+v", plan)
	}
	if last.Type != "change_summary" || last.Changes == nil || last.Changes.Operation != "apply" || last.Changes.Add != 4 ||
		last.Message != "Apply complete! Resources: 4 added, 0 changed, 0 replaced, 0 forgotten." {
		t.Errorf("the last event: %+v", last)
	}
	for _, secret := range []string{"Selamat-Datang-2026", "3171015504960001", "sandbox-usapi-key"} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("apply -json shows %q in clear", secret)
		}
	}
}
