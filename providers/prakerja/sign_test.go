package prakerja

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/sandbox"
)

func TestSignPublishedVector(t *testing.T) {
	got := Sign("my_sign_key", "myclient_code", "1516239022", "POST", "/api/v1/integration/payment/redeem-code/commit", []byte(`{"redeem_code":"code"}`))
	if want := "943c20a8e36b6243f576404b00fffdc86411ce1f"; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestSignRequestHeaders(t *testing.T) {
	body := []byte(`{"redeem_code":"code"}`)
	req := httptest.NewRequest("POST", "http://x/prakerja/api/v1/integration/payment/redeem-code/commit", bytes.NewReader(body))
	SignRequest(req, "my_sign_key", "myclient_code", "/api/v1/integration/payment/redeem-code/commit", body, time.Unix(1516239022, 0))
	for name, want := range map[string]string{"client_code": "myclient_code", "timestamp": "1516239022", "signature": "943c20a8e36b6243f576404b00fffdc86411ce1f"} {
		if got := req.Header[name]; len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %v, want %s", name, got, want)
		}
	}
}

// TestSignAgainstSandbox sends a signed commit to the sandbox, whose
// checker is written from the same public notes, on the other side of the
// wire.
func TestSignAgainstSandbox(t *testing.T) {
	base := startSandbox(t)
	const path = "/api/v1/integration/payment/redeem-code/commit"
	send := func(signKey string, at time.Time) (int, map[string]any) {
		body := []byte(`{"redeem_code":"RC-123"}`)
		req, _ := http.NewRequest("POST", base+"/prakerja"+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		SignRequest(req, signKey, sandbox.PrakerjaClientCode, path, body, at)
		resp, err := (&http.Client{}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	if status, out := send(sandbox.PrakerjaSignKey, time.Now()); status != 200 || out["success"] != true {
		t.Fatalf("signed: %d %v", status, out)
	}
	if status, out := send("wrong-key", time.Now()); status != 400 || out["code"] != "ERROAUTH4038" {
		t.Fatalf("wrong key: %d %v", status, out)
	}
	if status, out := send(sandbox.PrakerjaSignKey, time.Now().Add(-time.Hour)); status != 400 || out["code"] != "ERROAUTH4036" {
		t.Fatalf("old timestamp: %d %v", status, out)
	}
}
