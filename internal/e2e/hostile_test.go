package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// hostileProofylink is a Proofylink that answers a create 201 Created
// without its reference_code, and lists nothing; it counts the creates.
func hostileProofylink(t *testing.T, creates *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/v1/external/token/balance":
			io.WriteString(w, `{"status":"success","message":"Token retrieved successfully.","data":{"token":10}}`)
		case r.Method == http.MethodPost:
			creates.Add(1)
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"status":"success","message":"Verification created successfully.","data":{"status":"ocr_verification"}}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"status":"fail","message":"Data not found."}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func verificationConfig(t *testing.T, endpoint string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ktp.jpg"), []byte("\xff\xd8\xff\xe0 ktp"), 0o644); err != nil {
		t.Fatal(err)
	}
	hcl := fmt.Sprintf(`provider "proofylink" {
  endpoint   = %q
  token      = "t"
  rate_limit = 100
}

resource "proofylink_verification" "ani" {
  consent              = "email"
  verification_type_id = 1
  id_number            = "3171011805960053"
  full_name            = "Ani Setiawan"
  email                = "ani@example.co.id"
  phone_number         = "6281234567890"
  ktp_image            = "ktp.jpg"
}
`, endpoint)
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(hcl), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A 201 without reference_code spends a token: the create is sent once,
// never again because a search did not find it, by this apply or the next.
func TestCreatedWithoutReferenceCodeIsSentOnce(t *testing.T) {
	var creates atomic.Int32
	srv := hostileProofylink(t, &creates)
	dir := verificationConfig(t, srv.URL)
	r := must(t, 1, dir, "apply", "-auto-approve")
	contains(t, r, "reference_code unknown", "daftar will not create it again by itself")
	if creates.Load() != 1 {
		t.Fatalf("%d creates sent, want 1:\n%s", creates.Load(), r)
	}
	plan := daftar(t, dir, "plan")
	contains(t, plan, "Interrupted create undecided")
	if strings.Contains(plan.stdout, "will be created") {
		t.Errorf("the next plan creates it again:\n%s", plan)
	}
	daftar(t, dir, "apply", "-auto-approve")
	if creates.Load() != 1 {
		t.Fatalf("%d creates sent after the next apply, want 1", creates.Load())
	}
}

// A create answered with a redirect is not sent to the redirect's host:
// the error names the resource, the request and the Location, and the
// audit log has the answer.
func TestRedirectedCreateGoesNowhere(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	var creates atomic.Int32
	hostile := hostileProofylink(t, &creates)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		hostile.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	dir := verificationConfig(t, srv.URL)
	r := must(t, 1, dir, "apply", "-auto-approve")
	contains(t, r, "Error: proofylink_verification.ani", "POST /api/v1/external/verifications/email-consent answered 307 Temporary Redirect", other.URL+"/api/v1")
	if elsewhere.Load() != 0 {
		t.Errorf("%d requests reached the redirect's host", elsewhere.Load())
	}
	audit, _ := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
	if !strings.Contains(string(audit), `"status":307`) {
		t.Errorf("the audit log lacks the 307:\n%s", audit)
	}
}
