package proofylink

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

const createdBody = `{"status":"success","message":"Verification created successfully.",
"data":{"reference_code":"EMP-260211-7874","status":"ocr_verification","consent_method":"email","created_at":"2026-02-11T10:27:41.000000Z"}}`

// handlerEnv is a provider against one handler.
func handlerEnv(t *testing.T, h http.HandlerFunc) *env {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return newEnv(t, ts.URL+"/proofylink")
}

// answer replies with status and body.
func answer(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// truncated promises more bytes than it sends, then cuts the connection.
func truncated(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", "4096")
		w.WriteHeader(status)
		io.WriteString(w, body[:len(body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
}

// cut reads the request (the server acted) and closes the connection with
// no answer.
func cut(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

const htmlPage = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

func TestCreateAnswers(t *testing.T) {
	huge := `{"status":"success","data":{"reference_code":"EMP-1","pad":"` + strings.Repeat("x", maxBody) + `"}}`
	tests := map[string]struct {
		handler   http.HandlerFunc
		uncertain bool
		// acknowledged: the API said it created the verification (201)
		// but its answer does not say which one.
		acknowledged bool
		created      bool
		detail       string // part of the error diagnostic; "" means none
	}{
		"201":                {answer(201, "application/json", createdBody), false, false, true, ""},
		"truncated 201 body": {truncated(201, createdBody), true, true, false, "no complete answer"},
		"invalid JSON 201":   {answer(201, "application/json", `{"status":"success","data":{`), true, true, false, "cannot read"},
		"201 without data":   {answer(201, "application/json", `{"status":"success"}`), true, true, false, "the answer has no data"},
		"201 without reference_code": {answer(201, "application/json", `{"status":"success","data":{"status":"ocr_verification"}}`), true, true, false,
			"data has no reference_code"},
		"201 too large": {answer(201, "application/json", huge), true, true, false, "longer than 32 MB"},
		// Found in review: a 200 whose body says "success" (the create's
		// success message) without a reference_code was only uncertain,
		// so a search that missed it sent the create again (a token).
		"200 success without reference_code": {answer(200, "application/json", `{"status":"success","message":"Verification created successfully.","data":{"status":"ocr_verification"}}`), true, true, false,
			"data has no reference_code"},
		"200 not JSON":        {answer(200, "text/html", htmlPage), true, false, false, "cannot read"},
		"HTML 502":            {answer(502, "text/html", htmlPage), true, false, false, `an HTML page titled "502 Bad Gateway"`},
		"documented 500":      {answer(500, "application/json", `{"status":"error","message":"An error occurred while creating verification."}`), true, false, false, "500 Internal Server Error: An error occurred while creating verification."},
		"429":                 {answer(429, "application/json", `{"status":"fail","message":"Too Many Attempts."}`), false, false, false, "lower the provider's rate_limit"},
		"404":                 {answer(404, "application/json", `{"status":"fail","message":"Data not found"}`), false, false, false, "POST /api/v1/external/verifications/email-consent with 404 Not Found: Data not found"},
		"connection cut":      {cut, true, false, false, "may have been created"},
		"422 single string":   {answer(422, "application/json", `{"status":"fail","message":"x","errors":{"full_name":"full name wajib diisi."}}`), false, false, false, "full name wajib diisi."},
		"422 unknown field":   {answer(422, "application/json", `{"status":"fail","message":"x","errors":{"tenant":["tenant tidak aktif."]}}`), false, false, false, `field "tenant"`},
		"400 other":           {answer(400, "application/json", `{"status":"fail","message":"Tenant not found."}`), false, false, false, "Tenant not found."},
		"200 with fail":       {answer(200, "application/json", `{"status":"fail","message":"Verification failed."}`), false, false, false, "Verification failed."},
		"NIK echoed in error": {answer(400, "application/json", `{"status":"fail","message":"NIK `+testNIK+` diblokir."}`), false, false, false, "NIK 3171********0053 diblokir."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := handlerEnv(t, tt.handler)
			res := e.create(config(nil))
			if res.Uncertain != tt.uncertain || res.Acknowledged != tt.acknowledged || res.NewState.IsNull() == tt.created {
				t.Errorf("uncertain %v (want %v), acknowledged %v (want %v), state %#v", res.Uncertain, tt.uncertain, res.Acknowledged, tt.acknowledged, res.NewState)
			}
			if tt.detail == "" {
				mustNoErrors(t, res.Diagnostics)
				return
			}
			if !res.Diagnostics.HasErrors() || !strings.Contains(describe(res.Diagnostics), tt.detail) {
				t.Errorf("diagnostics %s\nwant one containing %q", describe(res.Diagnostics), tt.detail)
			}
			if tt.acknowledged && !strings.Contains(describe(res.Diagnostics), "does not create it again") {
				t.Errorf("an acknowledged create must say it is not sent again: %s", describe(res.Diagnostics))
			}
			if strings.Contains(describe(res.Diagnostics), "xxxxxxxx") {
				t.Errorf("the diagnostics quote the body")
			}
		})
	}
}

// A redirect is never followed: the token, the NIK and the KTP image never
// reach the place it points to, and a 302 to a host that answers 200 never
// becomes a verification. The error names the resource's request, the
// status and the Location.
func TestRedirectsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		answer(201, "application/json", createdBody)(w, r)
	}))
	t.Cleanup(other.Close)
	redirect := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path+"?token=leak", code)
		}
	}
	for code, uncertain := range map[int]bool{302: true, 307: false, 308: false} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			e := handlerEnv(t, redirect(code))
			res := e.create(config(nil))
			want := fmt.Sprintf("POST /api/v1/external/verifications/email-consent answered %d %s, redirecting to %s/proofylink/api/v1/external/verifications/email-consent?...",
				code, http.StatusText(code), other.URL)
			if !res.NewState.IsNull() || res.Uncertain != uncertain || res.Acknowledged || !strings.Contains(describe(res.Diagnostics), want) {
				t.Fatalf("create: state %#v, uncertain %v (want %v), diags %s\nwant %q", res.NewState, res.Uncertain, uncertain, describe(res.Diagnostics), want)
			}
			read := e.read(priorState(e))
			if !strings.Contains(describe(read.Diagnostics), "redirecting to "+other.URL) {
				t.Fatalf("read: %s", describe(read.Diagnostics))
			}
			if strings.Contains(describe(res.Diagnostics)+describe(read.Diagnostics), "leak") {
				t.Error("the Location's query is shown")
			}
		})
	}
	if elsewhere.Load() != 0 {
		t.Errorf("%d requests reached the redirect's host", elsewhere.Load())
	}
}

func TestCreateConnectionRefusedIsCertain(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	e := newEnv(t, ts.URL)
	ts.Close()
	res := e.create(config(nil))
	if res.Uncertain || !res.Diagnostics.HasErrors() {
		t.Errorf("uncertain %v, diags %s", res.Uncertain, describe(res.Diagnostics))
	}
}

func TestCreateDroppedBySandboxIsUncertain(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{DropRate: 1})
	res := e.create(config(nil))
	if !res.Uncertain || !res.NewState.IsNull() {
		t.Fatalf("uncertain %v, state %#v", res.Uncertain, res.NewState)
	}
	if left := e.sandboxState()["proofylink_tokens_left"].(float64); left != sandbox.DefaultTokens-1 {
		t.Errorf("the sandbox acted: %v tokens left", left)
	}
}

func TestReadAnswers(t *testing.T) {
	tests := map[string]struct {
		handler http.HandlerFunc
		status  string // the status after the read; "" means an error keeping the prior state
		detail  string
	}{
		"seed's unquoted failed_message": {answer(200, "application/json", `{"status":"success","data":{"verification":{
			"reference_code":"EMP-260211-7874","status":"failed",
			"failed_message": OCR data mismatch,
			"credibility_score":null}}}`), "failed", ""},
		"numbers as strings": {answer(200, "application/json", `{"status":"success","data":{"verification":{
			"reference_code":"EMP-260211-7874","status":"completed","credibility_score":"53","credibility_level":"D","final_decision":{"decision":"approve"}}}}`), "completed", ""},
		"flat data": {answer(200, "application/json", `{"status":"success","data":{"reference_code":"EMP-260211-7874","status":"processing"}}`), "processing", ""},
		"HTML 502":  {answer(502, "text/html", htmlPage), "", "an HTML page"},
		"truncated": {truncated(200, `{"status":"success","data":{"verification":{"reference_code":"EMP-260211-7874","status":"completed"}}}`), "", "no complete answer"},
		"invalid":   {answer(200, "application/json", `not json`), "", "cannot read"},
		"404":       {answer(404, "application/json", `{"status":"fail","message":"Data not found."}`), "", "another tenant"},
		"200 fail":  {answer(200, "application/json", `{"status":"fail","message":"Verification not accessible."}`), "", "Verification not accessible."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := handlerEnv(t, tt.handler)
			prior := priorState(e)
			res := e.read(prior)
			if tt.status == "" {
				if !res.NewState.RawEquals(prior) || !strings.Contains(describe(res.Diagnostics), tt.detail) {
					t.Errorf("state %#v, diags %s", res.NewState, describe(res.Diagnostics))
				}
				return
			}
			mustNoErrors(t, res.Diagnostics)
			if got := str(res.NewState, "status"); got != tt.status {
				t.Errorf("status %q, want %q", got, tt.status)
			}
		})
	}
}

func TestReadTolerance(t *testing.T) {
	e := handlerEnv(t, answer(200, "application/json", `{"status":"success","data":{"verification":{
		"reference_code":"EMP-260211-7874","status":"completed","credibility_score":"53","credibility_level":"D","final_decision":{"decision":"approve"},
		"failed_message":null}}}`))
	st := e.read(priorState(e)).NewState
	if score, _ := intAttr(st, "credibility_score"); score != 53 {
		t.Errorf("credibility_score = %#v", st.GetAttr("credibility_score"))
	}
	if got := str(st, "final_decision"); got != `{"decision":"approve"}` {
		t.Errorf("final_decision = %q", got)
	}
	if !st.GetAttr("failed_message").IsNull() {
		t.Errorf("failed_message = %#v", st.GetAttr("failed_message"))
	}
}

// priorState is the state createdBody's 201 leaves: a verification not
// yet final.
func priorState(e *env) cty.Value {
	e.t.Helper()
	pr := e.plan(config(nil), nullState())
	mustNoErrors(e.t, pr.Diagnostics)
	m := newStateMap(pr.Planned)
	env, err := decodeEnvelope([]byte(createdBody))
	if err != nil {
		e.t.Fatal(err)
	}
	cr, err := decodeCreated(env)
	if err != nil {
		e.t.Fatal(err)
	}
	m.setCreated(cr)
	return m.value()
}

// TestReadOfAnotherRecordIsRefused checks that a detail answering another
// reference_code than the one asked (a proxy's cache keyed wrongly, a
// routing slip) never puts that record's code, status or score into this
// verification's state. Found in review: the refresh took the answer's
// reference_code and result as this record's, and so did the wait of
// wait_for_result.
func TestReadOfAnotherRecordIsRefused(t *testing.T) {
	other := answer(200, "application/json", `{"status":"success","data":{"verification":{
		"reference_code":"EMP-260212-6843","status":"completed","credibility_score":97,"credibility_level":"A"},
		"customer":{"name":"MIRA SETIAWAN","phone":"823423423423","id_number":"3171234567890123"}}}`)
	e := handlerEnv(t, other)
	prior := priorState(e)
	res := e.read(prior)
	if !res.NewState.RawEquals(prior) || !strings.Contains(describe(res.Diagnostics), "EMP-260212-6843") {
		t.Errorf("read: state %#v, diags %s", res.NewState, describe(res.Diagnostics))
	}
	// The same code in another case is the same record (an import typed
	// in lower case).
	same := handlerEnv(t, answer(200, "application/json", `{"status":"success","data":{"verification":{"reference_code":"EMP-260211-7874","status":"processing"}}}`))
	if _, err := same.p.conf().client.detail(t.Context(), "emp-260211-7874"); err != nil {
		t.Errorf("detail in lower case: %v", err)
	}

	var calls atomic.Int32
	e = handlerEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			answer(201, "application/json", createdBody)(w, r)
			return
		}
		calls.Add(1)
		other(w, r)
	})
	cr := e.create(config(map[string]cty.Value{"wait_for_result": cty.True}))
	if got := str(cr.NewState, "reference_code"); got != "EMP-260211-7874" || str(cr.NewState, "status") == "completed" {
		t.Errorf("create with wait: reference_code %q, status %q, diags %s", got, str(cr.NewState, "status"), describe(cr.Diagnostics))
	}
	if calls.Load() == 0 {
		t.Error("the wait read nothing")
	}
}
