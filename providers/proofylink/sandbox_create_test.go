package proofylink

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

func TestCreateEachConsent(t *testing.T) {
	tests := map[string]struct {
		consent       string
		consentMethod string
	}{
		"email":  {consentEmail, "email"},
		"own":    {consentOwn, "email"}, // the document's own-consent example says "email"
		"upload": {consentUpload, "signed_document"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			st := e.mustCreate(configFor(tt.consent, nil))
			if code := str(st, "reference_code"); !strings.HasPrefix(code, "EMP-") {
				t.Errorf("reference_code = %q, want EMP-...", code)
			}
			want := map[string]string{
				"status": "ocr_verification", "consent_method": tt.consentMethod,
				"id_number": "3171********0053", "consent": tt.consent,
			}
			for k, v := range want {
				if got := str(st, k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if str(st, "created_at") == "" || !strings.HasPrefix(str(st, "id_number_digest"), "hmac-sha256:") {
				t.Errorf("created_at %q, id_number_digest %q", str(st, "created_at"), str(st, "id_number_digest"))
			}
			if (tt.consent == consentUpload) != (str(st, "form_consent_sha256") != "") {
				t.Errorf("form_consent_sha256 = %q for %s", str(st, "form_consent_sha256"), tt.consent)
			}
			if !st.GetAttr("credibility_score").IsNull() {
				t.Errorf("credibility_score = %#v, want null until completed", st.GetAttr("credibility_score"))
			}
		})
	}
}

func TestCreateValidationErrorsMapToAttributes(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	cfg := configFor(consentOwn, map[string]cty.Value{
		"id_number":        cty.StringVal("12345"),
		"email":            cty.StringVal("not-an-email"),
		"consent_metadata": metadata(map[string]string{"os": ""}),
	})
	// The plan would refuse these inputs; the apply sends them as given.
	res := e.p.ApplyResource(t.Context(), providers.ApplyRequest{
		Type: verificationType, Addr: testUserAddr, Operation: providers.Create, Config: cfg, Planned: cty.UnknownVal(verification.ty),
	})
	if res.Uncertain || !res.NewState.IsNull() {
		t.Fatalf("uncertain %v, state %#v", res.Uncertain, res.NewState)
	}
	got := map[string]string{}
	for _, d := range res.Diagnostics {
		got[pathString(d.Path)] = d.Detail
	}
	want := map[string]string{
		"id_number":           "id number harus berisi 16 karakter.",
		"email":               "Format email tidak valid.",
		"consent_metadata.os": "consent metadata.os wajib diisi.",
	}
	for p, msg := range want {
		if !strings.Contains(got[p], msg) || !strings.Contains(got[p], "422") {
			t.Errorf("diagnostic at %s = %q, want the API's %q", p, got[p], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("diagnostics: %s", describe(res.Diagnostics))
	}
}

func TestCreateInsufficientTokens(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{Tokens: 1})
	e.mustCreate(config(nil))
	res := e.create(config(map[string]cty.Value{"id_number": cty.StringVal(testNIK2)}))
	if res.Uncertain || !res.NewState.IsNull() || len(res.Diagnostics) != 1 {
		t.Fatalf("uncertain %v, state %#v, diags %s", res.Uncertain, res.NewState, describe(res.Diagnostics))
	}
	d := res.Diagnostics[0]
	if d.Summary != "Proofylink token balance ran out" || !strings.Contains(d.Detail, "Insufficient token balance") {
		t.Errorf("diagnostic = %s", describe(res.Diagnostics))
	}
	bal, diags := e.p.Balance(t.Context())
	mustNoErrors(t, diags)
	if bal.Left != 0 || bal.Unit != "Proofylink tokens" {
		t.Errorf("balance = %+v", bal)
	}
}

func TestCreateWrongToken(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	e.p.conf().client.token = "wrong"
	res := e.create(config(nil))
	if res.Uncertain || !res.Diagnostics.HasErrors() || !strings.Contains(res.Diagnostics[0].Detail, "token") {
		t.Fatalf("uncertain %v, diags %s", res.Uncertain, describe(res.Diagnostics))
	}
}

func TestCreateWaitForResult(t *testing.T) {
	tests := map[string]struct {
		nik, status, level, failed string
		score                      int64
	}{
		"completed": {testNIK, "completed", "D", "", 53},
		"failed":    {failingNIK, "failed", "", "OCR data mismatch", -1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{VerifyDelay: 300 * ms, Now: realNow})
			st := e.mustCreate(config(map[string]cty.Value{"id_number": cty.StringVal(tt.nik), "wait_for_result": cty.True}))
			if str(st, "status") != tt.status || str(st, "credibility_level") != tt.level || str(st, "failed_message") != tt.failed {
				t.Errorf("status %q level %q failed %q", str(st, "status"), str(st, "credibility_level"), str(st, "failed_message"))
			}
			score, ok := intAttr(st, "credibility_score")
			if (tt.score >= 0) != ok || (ok && score != tt.score) {
				t.Errorf("credibility_score = %#v, want %d", st.GetAttr("credibility_score"), tt.score)
			}
			if str(st, "updated_at") == "" {
				t.Error("updated_at is empty after waiting")
			}
		})
	}
}

func TestWaitStopsWithContext(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	cfg := config(map[string]cty.Value{"wait_for_result": cty.True})
	pr := e.plan(cfg, nullState())
	ctx, cancel := contextWithTimeout(t, 100*ms)
	defer cancel()
	res := e.p.ApplyResource(ctx, providers.ApplyRequest{Type: verificationType, Operation: providers.Create, Config: cfg, Planned: pr.Planned})
	if res.NewState.IsNull() || res.Diagnostics.HasErrors() || len(res.Diagnostics) != 1 {
		t.Fatalf("state %#v, diags %s", res.NewState, describe(res.Diagnostics))
	}
	if !strings.Contains(res.Diagnostics[0].Detail, str(res.NewState, "reference_code")) {
		t.Errorf("warning does not name the verification: %s", describe(res.Diagnostics))
	}
}
