package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// client returns an http.Client whose transport audits into a fresh log,
// and a function that closes the log and returns its lines as maps.
func client(t *testing.T, opts ...Option) (*http.Client, func() []map[string]any, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	l := openTemp(t, path)
	c := &http.Client{Transport: NewRoundTripper(http.DefaultTransport, l, "usapi", opts...)}
	return c, func() []map[string]any {
		t.Helper()
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, line := range readLines(t, path) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}, path
}

func TestNothingPersonalRecorded(t *testing.T) {
	const (
		token    = "Bearer SECRET-TOKEN-7f3a9c"
		password = "hunter2-PASSWORD-secret"
		nik      = "3171234567890123"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=COOKIE-SECRET-99")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"ERROAUTH4051","message":"Token expired for `+nik+`","nik":"`+nik+`"}`)
	}))
	defer srv.Close()
	c, lines, path := client(t)
	reqBody := `{"username":"ani","password":"` + password + `","nik":"` + nik + `"}`
	req, _ := http.NewRequest("POST", srv.URL+"/signup?nik="+nik+"&name=Ani+Wijaya", strings.NewReader(reqBody))
	req.Header.Set("Authorization", token)
	req = req.WithContext(WithResource(req.Context(), `usapi_account.hire["ani"]`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	respBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	got := lines()

	raw, _ := os.ReadFile(path)
	for _, secret := range []string{"SECRET-TOKEN", password, nik, "Ani", "Wijaya", "COOKIE-SECRET", "Token expired", "ani\""} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the audit log contains %q:\n%s", secret, raw)
		}
	}
	want := map[string]any{
		"resource": `usapi_account.hire["ani"]`, "provider": "usapi", "method": "POST",
		"path": "/signup?name&nik", "status": float64(400), "code": "ERROAUTH4051", "outcome": "http_error",
		"request_sha256": digestHex([]byte(reqBody)), "response_sha256": digestHex(respBody),
		"event": "request", "run_id": "run-1", "command": "apply", "seq": float64(1), "prev": genesis,
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s = %v, want %v", k, got[0][k], v)
		}
	}
}

func TestOutcomes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"message":"ok","errorCode":"0"}`+strings.Repeat(" ", 100<<10))
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, `{"status":`)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	refused := closedAddr(t)

	c, lines, _ := client(t)
	get := func(url string, read bool) {
		resp, err := c.Post(url, "application/json", strings.NewReader(`{}`))
		if err != nil {
			return
		}
		if read {
			io.ReadAll(resp.Body)
		}
		resp.Body.Close()
	}
	get(srv.URL+"/ok", true)
	get(srv.URL+"/ok", false) // closed unread: drained
	get(srv.URL+"/cut", true)
	get(srv.URL+"/short", true)
	get("http://"+refused+"/x", true)
	got := lines()
	want := []struct {
		outcome    string
		status     float64
		incomplete bool
	}{{"ok", 200, false}, {"ok", 200, false}, {"dropped", 0, false}, {"dropped", 200, true}, {"transport_error", 0, false}}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i]["outcome"] != w.outcome || got[i]["status"] != w.status || (got[i]["response_incomplete"] == true) != w.incomplete {
			t.Errorf("line %d = %v, want %+v", i+1, got[i], w)
		}
		if got[i]["code"] != "" {
			t.Errorf("line %d code = %v, want none", i+1, got[i]["code"])
		}
	}
	if got[0]["response_sha256"] != got[1]["response_sha256"] {
		t.Error("a body closed unread does not digest as the same body read in full")
	}
}

func TestBrokenLogStopsRequests(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	l := openTemp(t, filepath.Join(t.TempDir(), FileName))
	l.f.Close() // the next write fails
	c := &http.Client{Transport: NewRoundTripper(http.DefaultTransport, l, "usapi")}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l.Err() == nil {
		t.Fatal("a failed write did not break the log")
	}
	if _, err := c.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "audit log") {
		t.Errorf("second request error = %v, want the audit log's", err)
	}
	if hits != 1 {
		t.Errorf("server saw %d requests, want 1", hits)
	}
}

func TestCodeExtractorOption(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"status":false,"message":"Email is already registered"}`)
	}))
	defer srv.Close()
	c, lines, _ := client(t, WithCodeExtractor(func([]byte) string { return "EMAIL_TAKEN" }))
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := lines()[0]["code"]; got != "EMAIL_TAKEN" {
		t.Errorf("code = %v, want EMAIL_TAKEN", got)
	}
}

func TestDefaultCode(t *testing.T) {
	tests := map[string]struct{ body, want string }{
		"code":              {`{"code":"ERROAUTH4051","message":"Token expired"}`, "ERROAUTH4051"},
		"errorCode":         {`{"errorCode":"ERRPK01","success":false}`, "ERRPK01"},
		"errorCode zero":    {`{"errorCode":"0","success":true}`, ""},
		"numeric code":      {`{"code":4051}`, "4051"},
		"proofylink fail":   {`{"status":"fail","message":"Insufficient token balance"}`, "fail"},
		"proofylink ok":     {`{"status":"success"}`, ""},
		"usapi bool status": {`{"status":false,"message":"x"}`, ""},
		"not json":          {`<html>`, ""},
		"array":             {`[1]`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := DefaultCode([]byte(tc.body)); got != tc.want {
				t.Errorf("DefaultCode = %q, want %q", got, tc.want)
			}
		})
	}
	if got := safeCode("Token expired for ani@example.com"); got != "" {
		t.Errorf("safeCode kept free text: %q", got)
	}
	// Found in review: a "code" echoing a NIK or a phone number was kept
	// in the audit log in clear, as it has the shape of a code.
	for _, personal := range []string{"3171234567890123", "6281234567890", "NIK-3171234567890123"} {
		if got := safeCode(personal); got != "" {
			t.Errorf("safeCode kept a NIK or phone number: %q", got)
		}
	}
}

func TestRedactedPath(t *testing.T) {
	req := httptest.NewRequestWithContext(context.Background(), "GET", "/api/v1/x?nik=3171&name=Ani&nik=2&flag", nil)
	if got, want := RedactedPath(req.URL), "/api/v1/x?flag&name&nik"; got != want {
		t.Errorf("RedactedPath = %q, want %q", got, want)
	}
}

func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// A request marked for a "sent" line has it on disk before the server
// sees the request (a run killed while waiting for the answer leaves
// it), then its outcome line; a request not marked has only the outcome;
// the chain verifies.
func TestSentLineBeforeTheRequest(t *testing.T) {
	var path string
	var onDisk []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := os.ReadFile(path)
		onDisk = append(onDisk, string(data))
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c, lines, p := client(t, WithSentLines(func(r *http.Request) bool { return r.Method == "POST" }))
	path = p
	ctx := WithResource(context.Background(), "usapi_account.a")
	for _, method := range []string{"POST", "GET"} {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+"/signup", strings.NewReader(`{"u":"a"}`))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if !strings.Contains(onDisk[0], `"event":"sent"`) || !strings.Contains(onDisk[0], `"resource":"usapi_account.a"`) {
		t.Errorf("when the POST reached the server the log held:\n%s\nwant its sent line", onDisk[0])
	}
	got := lines()
	var events []string
	for _, l := range got {
		events = append(events, l["event"].(string)+" "+l["method"].(string))
	}
	if want := "sent POST,request POST,request GET"; strings.Join(events, ",") != want {
		t.Errorf("lines %q, want %s", events, want)
	}
	if got[0]["request_sha256"] != got[1]["request_sha256"] {
		t.Error("the sent line and the outcome line digest the request differently")
	}
	f, _ := os.Open(path)
	defer f.Close()
	if n, err := Verify(f); err != nil || n != 3 {
		t.Errorf("Verify = %d, %v; want 3 lines", n, err)
	}
}
