package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func inst(t *testing.T, s string) addrs.Instance {
	t.Helper()
	i, err := addrs.ParseInstance(s)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func samplePlan(t *testing.T) *plans.Plan {
	account := func(gender string, id cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"username": cty.StringVal("ani"),
			"password": cty.StringVal("hmac-sha256:00ff"),
			"email":    cty.StringVal("ani@example.id"),
			"id":       id,
			"basic_profile": cty.ObjectVal(map[string]cty.Value{
				"gender":        cty.StringVal(gender),
				"date_of_birth": cty.StringVal("1996-10-18"),
			}),
		})
	}
	verification := func(name string, ref cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"full_name":      cty.StringVal(name),
			"id_number":      cty.StringVal("3171********0123"),
			"reference_code": ref,
		})
	}
	pw := []cty.Path{cty.GetAttrPath("password")}
	p := &plans.Plan{
		Changes: []*plans.Change{
			{Addr: inst(t, `usapi_account.hire["ani"]`), Provider: "usapi", Action: plans.Create, Before: cty.NullVal(account("", cty.StringVal("")).Type()), After: account("Perempuan", cty.UnknownVal(cty.String)), Sensitive: pw},
			{Addr: inst(t, `usapi_account.hire["budi"]`), Provider: "usapi", Action: plans.Update, Before: account("Laki-Laki", cty.StringVal("budi")), After: account("Perempuan", cty.StringVal("budi")), Sensitive: pw},
			{Addr: inst(t, "proofylink_verification.check[0]"), Provider: "proofylink", Action: plans.Replace, Spends: 1,
				Before: verification("Ani", cty.StringVal("EMP-260211-7874")), After: verification("Ani Lestari", cty.UnknownVal(cty.String)),
				RequiresReplace: []cty.Path{cty.GetAttrPath("full_name")}},
			{Addr: inst(t, "usapi_account.old"), Provider: "usapi", Action: plans.Forget, Before: account("Laki-Laki", cty.StringVal("old")), After: cty.NullVal(account("", cty.StringVal("")).Type()), Sensitive: pw},
			{Addr: inst(t, "usapi_account.same"), Provider: "usapi", Action: plans.NoOp},
		},
		Outputs: []*plans.Output{
			{Name: "ref", Value: cty.UnknownVal(cty.String)},
			{Name: "secret", Value: cty.StringVal("shh"), Sensitive: true},
		},
		Spends: []plans.Spend{{Provider: "proofylink", Unit: "Proofylink tokens", Count: 1, Balance: 999}},
		Resolutions: []plans.Resolution{{Addr: inst(t, "proofylink_verification.check[1]"), Outcome: "adopted",
			Message: "adopted reference_code EMP-260211-0001 created by an interrupted apply"}},
	}
	return p
}

func TestPlanHuman(t *testing.T) {
	var buf bytes.Buffer
	Plan(&buf, samplePlan(t))
	out := buf.String()
	golden(t, "plan.txt", buf.Bytes())
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "Plan: 1 to add, 1 to change, 1 to replace, 1 to forget." {
		t.Errorf("last line %q", last)
	}
	for _, secret := range []string{"hmac-sha256:00ff", "shh"} {
		if strings.Contains(out, secret) {
			t.Errorf("the plan shows the sensitive value %q", secret)
		}
	}
}

func TestPlanNoChanges(t *testing.T) {
	var buf bytes.Buffer
	Plan(&buf, &plans.Plan{})
	if !strings.HasPrefix(buf.String(), "No changes.") {
		t.Errorf("got %q", buf.String())
	}
}

func TestPlanJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := PlanJSON(&buf, samplePlan(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.json", buf.Bytes())
	var got struct {
		FormatVersion   string `json:"format_version"`
		ResourceChanges []struct {
			Address, Action string
		} `json:"resource_changes"`
		Summary map[string]int
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.FormatVersion != PlanFormatVersion || len(got.ResourceChanges) != 5 || got.Summary["replace"] != 1 {
		t.Errorf("unexpected plan JSON: %+v", got)
	}
	if strings.Contains(buf.String(), "hmac-sha256:00ff") || strings.Contains(buf.String(), "shh") {
		t.Error("plan JSON shows a sensitive value")
	}
}

func TestPlanExistingRecords(t *testing.T) {
	p := &plans.Plan{}
	for i := range existingShown + 2 {
		p.Existing = append(p.Existing, plans.Existing{
			Addr: inst(t, fmt.Sprintf("proofylink_verification.v[%d]", i)), ID: fmt.Sprintf("EMP-%d", i),
			Message: fmt.Sprintf("already verified as EMP-%d on 2026-02-11", i)})
	}
	var buf bytes.Buffer
	Plan(&buf, p)
	out := buf.String()
	for _, want := range []string{
		"Already at the remote, not created",
		"  proofylink_verification.v[0]: already verified as EMP-0 on 2026-02-11\n",
		"  ... and 2 more (plan -json lists them all)\n",
		"No changes. 22 not created: the remote already holds their records (see above).\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "EMP-21") || strings.Contains(out, "spends") {
		t.Errorf("output:\n%s", out)
	}
	buf.Reset()
	if err := PlanJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Existing []jsonExisting `json:"existing"`
	}
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil || len(j.Existing) != 22 || j.Existing[21].ID != "EMP-21" {
		t.Errorf("plan -json existing %+v (%v)", j.Existing, err)
	}
}
