package proofylink

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

func TestPlanCreate(t *testing.T) {
	e := newEnv(t, "http://127.0.0.1:1")
	pr := e.plan(config(nil), nullState())
	mustNoErrors(t, pr.Diagnostics)
	if pr.Spends != 1 || len(pr.RequiresReplace) != 0 {
		t.Errorf("spends %d, replace %v", pr.Spends, pr.RequiresReplace)
	}
	if str(pr.Planned, "id_number") != "3171********0053" || str(pr.Planned, "ktp_image") != ktpPath {
		t.Errorf("planned id_number %q, ktp_image %q", str(pr.Planned, "id_number"), str(pr.Planned, "ktp_image"))
	}
	for _, name := range []string{"id_number_digest", "ktp_image_sha256"} { // form_consent is not set
		if !known(pr.Planned.GetAttr(name)) {
			t.Errorf("%s not known at plan time", name)
		}
	}
	for _, name := range verification.remote {
		if pr.Planned.GetAttr(name).IsKnown() {
			t.Errorf("%s is known before apply", name)
		}
	}
}

func TestPlanChanges(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	base := configFor(consentOwn, nil)
	prior := e.mustCreate(base)
	// In order: "KTP content" rewrites the file, so it comes last.
	tests := []struct {
		name    string
		cfg     cty.Value
		edit    func(t *testing.T) // changes a file before planning
		replace []string
	}{
		{"nothing", base, nil, nil},
		{"wait_for_result", configFor(consentOwn, map[string]cty.Value{"wait_for_result": cty.True}), nil, nil},
		{"NIK", configFor(consentOwn, map[string]cty.Value{"id_number": cty.StringVal(testNIK2)}), nil, []string{"id_number", "id_number_digest"}},
		{"NIK, same mask", configFor(consentOwn, map[string]cty.Value{"id_number": cty.StringVal("3171011805970053")}), nil, []string{"id_number", "id_number_digest"}},
		{"NIK unknown", configFor(consentOwn, map[string]cty.Value{"id_number": cty.UnknownVal(cty.String)}), nil, []string{"id_number", "id_number_digest"}},
		{"name", configFor(consentOwn, map[string]cty.Value{"full_name": cty.StringVal("Ani S")}), nil, []string{"full_name"}},
		{"type", configFor(consentOwn, map[string]cty.Value{"verification_type_id": cty.NumberIntVal(2)}), nil, []string{"verification_type_id"}},
		{"metadata", configFor(consentOwn, map[string]cty.Value{"consent_metadata": metadata(map[string]string{"os": "Linux"})}), nil, []string{"consent_metadata"}},
		{"KTP path", configFor(consentOwn, map[string]cty.Value{"ktp_image": cty.StringVal("other.jpg")}), copyKTP(e.env, "other.jpg"), []string{"ktp_image"}},
		{"masked NIK kept", configFor(consentOwn, map[string]cty.Value{"id_number": cty.StringVal("3171********0053")}), nil, nil},
		{"consent to upload", configFor(consentUpload, nil), nil, []string{"consent", "form_consent", "consent_metadata", "form_consent_sha256"}},
		{"KTP content", base, rewriteKTP(e.env), []string{"ktp_image_sha256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.edit != nil {
				tt.edit(t)
			}
			pr := e.plan(tt.cfg, prior)
			mustNoErrors(t, pr.Diagnostics)
			var got []string
			for _, p := range pr.RequiresReplace {
				got = append(got, pathString(p))
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.replace))
			if !slices.Equal(got, want) {
				t.Errorf("replace %v, want %v", got, want)
			}
			if spends := min(len(want), 1); pr.Spends != spends {
				t.Errorf("spends %d, want %d", pr.Spends, spends)
			}
			if len(want) == 0 && !sameValue(pr.Planned.GetAttr("reference_code"), prior.GetAttr("reference_code")) {
				t.Errorf("an in-place plan lost the computed values")
			}
			// Only a plan that changes nothing answers the prior value
			// (which it may give back as it is).
			if unchanged := tt.name == "nothing" || tt.name == "masked NIK kept"; pr.Planned.RawEquals(prior) != unchanged {
				t.Errorf("planned value equal to the prior: %v, want %v", !unchanged, unchanged)
			}
		})
	}
}

func copyKTP(e *env, name string) func(*testing.T) {
	return func(t *testing.T) {
		writeFile(t, filepath.Join(e.baseDir, name), []byte("\xff\xd8\xff\xe0 fake jpeg"))
	}
}

func rewriteKTP(e *env) func(*testing.T) {
	return func(t *testing.T) {
		writeFile(t, filepath.Join(e.baseDir, ktpPath), []byte("\xff\xd8\xff\xe0 another photo"))
	}
}

func TestUpdateWaitForResultMakesNoRequest(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	prior := e.mustCreate(config(nil))
	cfg := config(map[string]cty.Value{"wait_for_result": cty.True})
	pr := e.plan(cfg, prior)
	before := e.requestsTotal()
	res := e.p.ApplyResource(t.Context(), providers.ApplyRequest{Type: verificationType, Operation: providers.Update, Config: cfg, Prior: prior, Planned: pr.Planned})
	mustNoErrors(t, res.Diagnostics)
	if e.requestsTotal() != before || !res.NewState.RawEquals(pr.Planned) {
		t.Errorf("update made requests or changed the plan's values")
	}
}

// TestRoundTrip drives the provider as the engine does: plan, apply,
// refresh, plan while the verification is pending; then moves the
// sandbox's clock past its delay, refreshes to the result and plans again.
// No plan after the apply may propose a change.
func TestRoundTrip(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{VerifyDelay: 50 * ms})
	for _, consent := range []string{consentEmail, consentOwn, consentUpload} {
		cfg := configFor(consent, nil)
		pr := e.plan(cfg, nullState())
		mustNoErrors(t, pr.Diagnostics)
		res := e.p.ApplyResource(t.Context(), providers.ApplyRequest{Type: verificationType, Operation: providers.Create, Config: cfg, Planned: pr.Planned})
		mustNoErrors(t, res.Diagnostics)
		st := res.NewState
		assertConforms(t, pr.Planned, st)
		assertNoChange(t, e.env, cfg, st)
		for range 3 {
			rr := e.read(st)
			mustNoErrors(t, rr.Diagnostics)
			st = rr.NewState
			assertNoChange(t, e.env, cfg, st)
		}
		if status := str(st, "status"); finalStatus(status) {
			t.Fatalf("%s: status %q before the sandbox's clock moved: the pending state is not tested", consent, status)
		}
		e.clock.Advance(50 * ms)
		rr := e.read(st)
		mustNoErrors(t, rr.Diagnostics)
		st = rr.NewState
		if status := str(st, "status"); !finalStatus(status) {
			t.Fatalf("%s: status %q after the verification's delay, want a final one", consent, status)
		}
		assertNoChange(t, e.env, cfg, st)
	}
}

// assertConforms checks that every known planned value is the applied one.
func assertConforms(t *testing.T, planned, applied cty.Value) {
	t.Helper()
	for name := range verification.ty.AttributeTypes() {
		if p := planned.GetAttr(name); p.IsKnown() && !sameValue(p, applied.GetAttr(name)) {
			t.Errorf("%s planned %#v, applied %#v", name, p, applied.GetAttr(name))
		}
	}
}

func assertNoChange(t *testing.T, e *env, cfg, st cty.Value) {
	t.Helper()
	pr := e.plan(cfg, st)
	mustNoErrors(t, pr.Diagnostics)
	if len(pr.RequiresReplace) != 0 || pr.Spends != 0 || !pr.Planned.RawEquals(st) {
		t.Fatalf("perpetual diff: replace %v, spends %d\nplanned %#v\nstate   %#v", pr.RequiresReplace, pr.Spends, pr.Planned, st)
	}
}

// TestAttributeAddedToSchemaOnly adds an input and an API-set value to the
// verification's schema and touches nothing else: the input is planned
// and stored as configured, its change is a replacement, and the API-set
// value is known after apply. The schema is the one list of attributes.
func TestAttributeAddedToSchemaOnly(t *testing.T) {
	b := verificationBlock()
	b.Attributes["batch_label"] = &providers.Attribute{Type: cty.String, Optional: true, RequiresReplace: true}
	b.Attributes["screened_by"] = &providers.Attribute{Type: cty.String, Computed: true}
	saved := verification
	verification = newResourceSchema(b)
	t.Cleanup(func() { verification = saved })

	e := newSandboxEnv(t, sandbox.Options{})
	if e.p.Schema().Resources[verificationType].Attributes["batch_label"] == nil {
		t.Fatal("the provider's schema does not hold the added attribute")
	}
	cfg := config(map[string]cty.Value{"batch_label": cty.StringVal("batch 7")})
	pr := e.plan(cfg, nullState())
	mustNoErrors(t, pr.Diagnostics)
	if got := str(pr.Planned, "batch_label"); got != "batch 7" {
		t.Errorf("planned batch_label %q, want the configured \"batch 7\"", got)
	}
	if pr.Planned.GetAttr("screened_by").IsKnown() {
		t.Error("screened_by, set by the API, is known before apply")
	}
	created := e.mustCreate(cfg)
	if got := str(created, "batch_label"); got != "batch 7" {
		t.Errorf("stored batch_label %q, want \"batch 7\"", got)
	}
	again := e.plan(config(map[string]cty.Value{"batch_label": cty.StringVal("batch 8")}), created)
	mustNoErrors(t, again.Diagnostics)
	if len(again.RequiresReplace) != 1 || pathString(again.RequiresReplace[0]) != "batch_label" {
		t.Errorf("a changed batch_label replaces: RequiresReplace %v", again.RequiresReplace)
	}
}
