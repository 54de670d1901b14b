package usapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// signupToken stands for the signup answer's token, which carries the OTP
// and the password's hash.
const signupToken = "eyJhbGciOiJIUzI1NiJ9.eyJvdHAiOiI4MzQ5MzEiLCJwd2QiOiIkMmIkMDgkVE9nYyJ9.sig"

// fake is a USAPI written from the seed document, one handler per path,
// recording what it received.
type fake struct {
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	got      map[string]http.Header
	bodies   map[string][]byte
}

func newFake(t *testing.T, handlers map[string]http.HandlerFunc) (*fake, string) {
	f := &fake{handlers: handlers, got: map[string]http.Header{}, bodies: map[string][]byte{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/api"
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.got[path], f.bodies[path] = r.Header.Clone(), body
	h := f.handlers[path]
	f.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func htmlAnswer(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
	}
}

// cut closes the connection without an answer, after the server acted.
func cut(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// truncated announces a body longer than the one it sends, then cuts.
func truncated(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n%s", status, http.StatusText(status), body)
		_ = buf.Flush()
		_ = conn.Close()
	}
}

var (
	signupOK  = jsonAnswer(200, `{"status":true,"message":"Please check your email to complete registration","token":"`+signupToken+`","exp":1740368964,"exp_otp":18000}`)
	loginOK   = jsonAnswer(200, `{"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2Vy"}`)
	profileOK = jsonAnswer(200, `{"status":true,"message":"Success update profile"}`)
)

func TestCreateSendsTheDocumentedRequests(t *testing.T) {
	f, endpoint := newFake(t, map[string]http.HandlerFunc{pathSignup: signupOK, pathAuth: loginOK, pathProfile: profileOK})
	p := testProvider(t, endpoint, "the-key")
	_, resp := planApply(t, p, "usapi_account.a", account(ani()))
	if len(resp.Diagnostics) != 0 || resp.NewState.GetAttr(attrBasicProfile).IsNull() {
		t.Fatal(resp.Diagnostics)
	}
	if got := f.got[pathSignup].Get("Authorization"); got != "Basic the-key" {
		t.Errorf("signup Authorization = %q", got)
	}
	var signup map[string]any
	_ = json.Unmarshal(f.bodies[pathSignup], &signup)
	for k, v := range map[string]any{"username": "ani", "password": "s3cret-Pa55", "email": "ani@example.co.id", "first_name": "Ani", "last_name": "Putri", "mode": "LINK", "phone_number": "6281234567890", "platform": "ONMART"} {
		if signup[k] != v {
			t.Errorf("signup %s = %v, want %v", k, signup[k], v)
		}
	}
	var login map[string]any
	_ = json.Unmarshal(f.bodies[pathAuth], &login)
	if login["username"] != "ani" || login["options"].(map[string]any)["nativeApp"] != false {
		t.Errorf("login body %v", login)
	}
	checkProfileRequest(t, f.got[pathProfile], f.bodies[pathProfile])
	assertNoSecret(t, resp.NewState.GoString()+diagText(resp.Diagnostics), signupToken, "834931", "s3cret-Pa55", "the-key")
}

func checkProfileRequest(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	r := &http.Request{Method: http.MethodPost, Header: h}
	if r.Header.Get("Authorization") != "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2Vy" {
		t.Errorf("profile Authorization = %q", r.Header.Get("Authorization"))
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	var bp map[string]string
	_ = json.Unmarshal([]byte(r.MultipartForm.Value["basic_profile"][0]), &bp)
	if bp["gender"] != "Perempuan" || bp["phone_number"] != "6281234567890" || bp["date_of_birth"] != "1996-10-18" {
		t.Errorf("basic_profile part %v", bp)
	}
	if fh := r.MultipartForm.File["profile_img"]; len(fh) != 1 || fh[0].Filename != "photo.jpg" {
		t.Errorf("profile_img part %v", fh)
	}
}

func TestInternalRegistrationRequest(t *testing.T) {
	f, endpoint := newFake(t, map[string]http.HandlerFunc{pathRegister: jsonAnswer(200, `{"status":true,"message":"Account has been created"}`)})
	p := testProvider(t, endpoint, "k")
	attrs := with(ani(), map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrMode: cty.NullVal(cty.String), attrPlatform: cty.NullVal(cty.String), attrBasicProfile: cty.NullVal(profileTy)})
	_, resp := planApply(t, p, "usapi_account.a", account(attrs))
	if len(resp.Diagnostics) != 0 || !resp.NewState.GetAttr(attrEmailRegistered).True() {
		t.Fatal(resp.Diagnostics)
	}
	var body map[string]any
	_ = json.Unmarshal(f.bodies[pathRegister], &body)
	if _, ok := body["mode"]; ok || body["phone_number"] != "6281234567890" {
		t.Errorf("internal body %v", body)
	}
}

func TestRegistrationFaults(t *testing.T) {
	tests := map[string]struct {
		handler   http.HandlerFunc
		uncertain bool
		want      string
	}{
		"connection cut after acting": {cut, true, "outcome unknown"},
		"502 HTML page":               {htmlAnswer(502), true, "text/html"},
		"500 documented":              {jsonAnswer(500, `{"message":"Internal error"}`), true, "500 Internal Server Error: Internal error"},
		"timeout":                     {func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done(); signupOK(w, r) }, true, "outcome unknown"},
		"429":                         {jsonAnswer(429, `{"message":"Too many requests"}`), false, "rate_limit"},
		"400 HTML":                    {htmlAnswer(400), false, "Registration refused"},
		"400 invalid JSON":            {jsonAnswer(400, `{"message": "Username alr`), false, "not the JSON"},
		"404":                         {http.NotFound, false, "404"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathSignup: tt.handler})
			p := testProvider(t, endpoint, "k")
			// Only the "timeout" case waits for the client's timeout (its
			// handler answers once the client has gone): the others get a
			// minute, so that a loaded machine's slow answer is not taken
			// for a timeout.
			timeout := time.Minute
			if name == "timeout" {
				timeout = 100 * time.Millisecond
			}
			p.cfg.Load().client.http = &http.Client{Timeout: timeout}
			_, resp := planApply(t, p, "usapi_account.a", account(ani()))
			if resp.Uncertain != tt.uncertain || !resp.NewState.IsNull() {
				t.Fatalf("uncertain = %v, want %v; state %#v", resp.Uncertain, tt.uncertain, resp.NewState)
			}
			if !hasDiag(resp.Diagnostics, providers.Error, nil, tt.want) {
				t.Fatalf("got %v, want %q", resp.Diagnostics, tt.want)
			}
			assertNoSecret(t, diagText(resp.Diagnostics), "<html>", "s3cret-Pa55")
		})
	}
}

func TestRegistrationUnreachableIsCertain(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	endpoint := srv.URL
	srv.Close()
	p := testProvider(t, endpoint, "k")
	_, resp := planApply(t, p, "usapi_account.a", account(ani()))
	if resp.Uncertain || !hasDiag(resp.Diagnostics, providers.Error, nil, "Nothing was registered") {
		t.Fatalf("uncertain %v: %v", resp.Uncertain, resp.Diagnostics)
	}
}

// A 2xx to a registration is a success only when its body says
// {"status": true}. {"status": false} is the API refusing, with its
// message; a body that cannot be read leaves the outcome unknown (it may
// have been either), so the create goes through resolution. Neither is
// ever recorded as created.
func TestRegistrationSuccessIsWhatTheBodySays(t *testing.T) {
	huge := `{"status":true,"message":"` + strings.Repeat("x", maxAnswerBytes) + `"}`
	tests := map[string]struct {
		handler   http.HandlerFunc
		uncertain bool
		path      cty.Path
		want      string
	}{
		"200 status false": {jsonAnswer(200, `{"status":false,"message":"Username already exist"}`), false, attrPath(attrUsername),
			`POST /api/signup answered 200 OK with "status": false: Username already exist`},
		"200 status false, other message": {jsonAnswer(200, `{"status":false,"message":"Registration is closed"}`), false, nil, "Registration is closed. Nothing was registered"},
		"200 truncated":                   {truncated(200, `{"status":true,"token":"`+signupToken[:20]), true, nil, "cut short"},
		"200 not JSON":                    {htmlAnswer(200), true, nil, "text/html, not the JSON"},
		"200 too large":                   {jsonAnswer(200, huge), true, nil, "longer than"},
		"200 without status":              {jsonAnswer(200, `{"message":"ok"}`), true, nil, `no "status"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathSignup: tt.handler})
			p := testProvider(t, endpoint, "k")
			_, resp := planApply(t, p, "usapi_account.a", account(with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)})))
			if !resp.NewState.IsNull() || resp.Uncertain != tt.uncertain {
				t.Fatalf("state null %v, uncertain %v (want %v): a refused or unreadable registration is never recorded as created",
					resp.NewState.IsNull(), resp.Uncertain, tt.uncertain)
			}
			if !hasDiag(resp.Diagnostics, providers.Error, tt.path, tt.want) {
				t.Fatalf("got %v, want an error at %v containing %q", diagText(resp.Diagnostics), tt.path, tt.want)
			}
			if tt.uncertain && !hasDiag(resp.Diagnostics, providers.Error, nil, "Registration outcome unknown") {
				t.Errorf("an unreadable 200 must say the outcome is unknown: %v", diagText(resp.Diagnostics))
			}
			assertNoSecret(t, diagText(resp.Diagnostics), signupToken[:20], "s3cret-Pa55", "xxxxxxxx")
		})
	}
}

// The internal registration answers {"status": false} the same way.
func TestInternalRegistrationStatusFalse(t *testing.T) {
	_, endpoint := newFake(t, map[string]http.HandlerFunc{pathRegister: jsonAnswer(200, `{"status":false,"message":"Email already exist"}`)})
	p := testProvider(t, endpoint, "k")
	cfg := account(with(ani(), map[string]cty.Value{attrRegistration: cty.StringVal(registrationInternal), attrMode: cty.NullVal(cty.String),
		attrPlatform: cty.NullVal(cty.String), attrBasicProfile: cty.NullVal(profileTy)}))
	_, resp := planApply(t, p, "usapi_account.a", cfg)
	if !resp.NewState.IsNull() || resp.Uncertain || !hasDiag(resp.Diagnostics, providers.Error, attrPath(attrEmail), "Email already exist") {
		t.Fatalf("state null %v, uncertain %v: %v", resp.NewState.IsNull(), resp.Uncertain, diagText(resp.Diagnostics))
	}
}

// A redirect is never followed: the key and the password never reach the
// place it points to, and the error names the request and the Location.
// A 307 says the request was not handled (certain); a 302 may follow the
// work (uncertain).
func TestRegistrationRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1); signupOK(w, r) }))
	t.Cleanup(other.Close)
	for code, uncertain := range map[int]bool{307: false, 302: true} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathSignup: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/signup?session=abc", code)
			}})
			p := testProvider(t, endpoint, "k")
			_, resp := planApply(t, p, "usapi_account.a", account(ani()))
			if !resp.NewState.IsNull() || resp.Uncertain != uncertain {
				t.Fatalf("state null %v, uncertain %v (want %v)", resp.NewState.IsNull(), resp.Uncertain, uncertain)
			}
			want := fmt.Sprintf("usapi_account.a: POST /api/signup answered %d %s, redirecting to %s/signup?...", code, http.StatusText(code), other.URL)
			if !hasDiag(resp.Diagnostics, providers.Error, nil, want) {
				t.Fatalf("got %v, want %q", diagText(resp.Diagnostics), want)
			}
		})
	}
	if elsewhere.Load() != 0 {
		t.Errorf("%d requests reached the redirect's host", elsewhere.Load())
	}
}

// {"status": false} on /update-basic-profile is a failure with the
// API's message, as is an answer that cannot be read: the profile is not
// recorded as set, the account stays, and the next plan sends it again.
func TestProfileSuccessIsWhatTheBodySays(t *testing.T) {
	tests := map[string]struct {
		handler http.HandlerFunc
		want    string
	}{
		"status false":   {jsonAnswer(200, `{"status":false,"message":"Error on update profile."}`), `"status": false: Error on update profile.`},
		"truncated":      {truncated(200, `{"status":tr`), "cut short"},
		"not JSON":       {htmlAnswer(200), "text/html"},
		"without status": {jsonAnswer(200, `{}`), `no "status"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathSignup: signupOK, pathAuth: loginOK, pathProfile: tt.handler})
			p := testProvider(t, endpoint, "k")
			_, resp := planApply(t, p, "usapi_account.a", account(ani()))
			if resp.NewState.IsNull() || resp.Uncertain || !resp.NewState.GetAttr(attrBasicProfile).IsNull() {
				t.Fatalf("the account must stay, its profile not set (uncertain %v)", resp.Uncertain)
			}
			if !hasDiag(resp.Diagnostics, providers.Error, attrPath(attrBasicProfile), tt.want) {
				t.Fatalf("got %v, want %q", diagText(resp.Diagnostics), tt.want)
			}
		})
	}
}

// /check/email's status says whether the e-mail is free: 200
// {"status": false} is "registered", as the 409 that documents it.
func TestCheckEmailStatus(t *testing.T) {
	tests := map[string]struct {
		handler    http.HandlerFunc
		registered bool
		err        string
	}{
		"200 status true":  {jsonAnswer(200, `{"status":true,"message":"Email is not registered"}`), false, ""},
		"409 status false": {jsonAnswer(409, `{"status":false,"message":"Email is already registered"}`), true, ""},
		"200 status false": {jsonAnswer(200, `{"status":false,"message":"Email is already registered"}`), true, ""},
		"200 no status":    {jsonAnswer(200, `{"message":"Email is not registered"}`), false, `no "status"`},
		"200 HTML":         {htmlAnswer(200), false, "text/html"},
		// A 409 means "registered" only with the document's body: a proxy's
		// or another service's conflict page says nothing of the e-mail.
		"409 HTML":        {htmlAnswer(409), false, "/check/email answered 409 Conflict"},
		"409 empty":       {jsonAnswer(409, ``), false, "/check/email answered 409 Conflict"},
		"409 status true": {jsonAnswer(409, `{"status":true,"message":"Email is not registered"}`), false, "/check/email answered 409 Conflict"},
		"409 other":       {jsonAnswer(409, `{"status":false,"message":"Request already in progress"}`), false, "/check/email answered 409 Conflict"},
		"302":             {func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "https://login.example/sso", 302) }, false, "redirecting to https://login.example/sso"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathCheck: tt.handler})
			p := testProvider(t, endpoint, "k")
			config := cty.ObjectVal(map[string]cty.Value{attrEmail: cty.StringVal("ani@example.co.id"), attrRegistered: cty.NullVal(cty.Bool)})
			got := p.ReadData(context.Background(), providers.ReadDataRequest{Type: emailType, Addr: "data.usapi_email.e", Config: config})
			if tt.err != "" {
				if !hasDiag(got.Diagnostics, providers.Error, attrPath(attrEmail), tt.err) {
					t.Fatalf("got %v, want an error containing %q", diagText(got.Diagnostics), tt.err)
				}
				return
			}
			if len(got.Diagnostics) != 0 || got.State.GetAttr(attrRegistered).True() != tt.registered {
				t.Fatalf("registered %#v, want %v: %v", got.State, tt.registered, diagText(got.Diagnostics))
			}
		})
	}
}

func TestProfileFailureKeepsTheAccount(t *testing.T) {
	tests := map[string]map[string]http.HandlerFunc{
		"login refused": {pathSignup: signupOK, pathAuth: jsonAnswer(401, `{"message":"Invalid username or password"}`)},
		"login cut":     {pathSignup: signupOK, pathAuth: cut},
		"login no JSON": {pathSignup: signupOK, pathAuth: htmlAnswer(200)},
		"profile 500":   {pathSignup: signupOK, pathAuth: loginOK, pathProfile: jsonAnswer(500, `{"message":"Error on update profile."}`)},
		"profile cut":   {pathSignup: signupOK, pathAuth: loginOK, pathProfile: cut},
		"profile 502":   {pathSignup: signupOK, pathAuth: loginOK, pathProfile: htmlAnswer(502)},
		"profile 400":   {pathSignup: signupOK, pathAuth: loginOK, pathProfile: jsonAnswer(400, `{"message":"Invalid gender. Accepted values: Laki-Laki, Perempuan"}`)},
		// Found in review: the login JWT (which has no expiry) was shown
		// when the profile's error echoed the request's Authorization.
		"profile 401 echoing the token": {pathSignup: signupOK, pathAuth: loginOK, pathProfile: func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(401, `{"message":"Invalid token: `+r.Header.Get("Authorization")+`"}`)(w, r)
		}},
	}
	for name, handlers := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, handlers)
			p := testProvider(t, endpoint, "k")
			_, resp := planApply(t, p, "usapi_account.a", account(ani()))
			if resp.NewState.IsNull() || resp.Uncertain {
				t.Fatalf("the registered account must stay in the state (uncertain %v)", resp.Uncertain)
			}
			if !resp.NewState.GetAttr(attrBasicProfile).IsNull() || !hasDiag(resp.Diagnostics, providers.Error, attrPath(attrBasicProfile), "The account exists") {
				t.Fatalf("got %v", resp.Diagnostics)
			}
			// The next plan updates the profile in place.
			next := plan(p, account(ani()), resp.NewState)
			if next.Diagnostics.HasErrors() || len(next.RequiresReplace) > 0 || next.Planned.RawEquals(resp.NewState) {
				t.Fatalf("next plan: %v", next.Diagnostics)
			}
			assertNoSecret(t, diagText(resp.Diagnostics), signupToken, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2Vy")
		})
	}
}

func TestRefreshFaultsKeepPrior(t *testing.T) {
	tests := map[string]http.HandlerFunc{
		"truncated":    truncated(200, `{"status":tr`),
		"invalid JSON": jsonAnswer(200, `{"status":`),
		"HTML 200":     htmlAnswer(200),
		"502":          htmlAnswer(502),
		"400":          jsonAnswer(400, `{"message":"Must have required property 'email'"}`),
		"cut":          cut,
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathCheck: h})
			p := testProvider(t, endpoint, "k")
			prior := priorOf(t, p, ani())
			got := p.ReadResource(context.Background(), providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: prior, Full: true})
			if !got.NewState.RawEquals(prior) || !hasDiag(got.Diagnostics, providers.Error, nil, "/check/email") {
				t.Fatalf("null %v: %v", got.NewState.IsNull(), got.Diagnostics)
			}
		})
	}
}

// TestRefreshReadsOnlyWhatCanChange: a confirmed account is answered from
// the prior with no request, unless the read is Full (-refresh-only); an
// account not yet seen registered is checked.
func TestRefreshReadsOnlyWhatCanChange(t *testing.T) {
	tests := map[string]struct {
		confirmed bool
		full      bool
		checks    int32
	}{
		"confirmed":               {confirmed: true, checks: 0},
		"confirmed, refresh-only": {confirmed: true, full: true, checks: 1},
		"awaiting confirmation":   {confirmed: false, checks: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var checks atomic.Int32
			f, endpoint := newFake(t, map[string]http.HandlerFunc{pathCheck: func(w http.ResponseWriter, r *http.Request) {
				checks.Add(1)
				jsonAnswer(409, `{"status":false,"message":"Email is already registered"}`)(w, r)
			}})
			p := testProvider(t, endpoint, "k")
			prior := withAttrs(priorOf(t, p, ani()), map[string]cty.Value{attrEmailRegistered: cty.BoolVal(tc.confirmed)})
			got := p.ReadResource(context.Background(), providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: prior, Full: tc.full})
			if len(got.Diagnostics) != 0 || !got.NewState.GetAttr(attrEmailRegistered).True() {
				t.Fatalf("got %#v %v", got.NewState, got.Diagnostics)
			}
			if want := withAttrs(prior, map[string]cty.Value{attrEmailRegistered: cty.True}); !got.NewState.RawEquals(want) {
				t.Fatalf("got %#v, want the prior, registered: %#v", got.NewState, want)
			}
			if checks.Load() != tc.checks {
				t.Fatalf("%d requests to /check/email, want %d", checks.Load(), tc.checks)
			}
			if want := `{"email":"` + strOr(prior, attrEmail, "") + `"}`; tc.checks > 0 && string(f.bodies[pathCheck]) != want {
				t.Fatalf("/check/email body %s, want %s", f.bodies[pathCheck], want)
			}
			// Settled says exactly when a plain refresh sends nothing.
			if settled := p.Settled(accountType, prior); settled != tc.confirmed {
				t.Errorf("Settled = %v for an account with email_registered %v", settled, tc.confirmed)
			}
		})
	}
}

func TestResolveFaultsAreUndecided(t *testing.T) {
	tests := map[string]map[string]http.HandlerFunc{
		"check 502": {pathCheck: htmlAnswer(502)},
		"login cut": {pathCheck: jsonAnswer(409, `{"status":false,"message":"Email is already registered"}`), pathAuth: cut},
	}
	for name, handlers := range tests {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, handlers)
			p := testProvider(t, endpoint, "k")
			got := p.ResolveResource(context.Background(), providers.ResolveRequest{Type: accountType, Addr: "usapi_account.a", Config: account(ani())})
			if got.Resolution != providers.Undecided || !got.Diagnostics.HasErrors() {
				t.Fatalf("got %v %v", got.Resolution, got.Diagnostics)
			}
		})
	}
}

func TestEmailDataFaults(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{"502": htmlAnswer(502), "400": jsonAnswer(400, `{"message":"Must have required property 'email'"}`), "truncated": truncated(200, `{"sta`)} {
		t.Run(name, func(t *testing.T) {
			_, endpoint := newFake(t, map[string]http.HandlerFunc{pathCheck: h})
			p := testProvider(t, endpoint, "k")
			config := cty.ObjectVal(map[string]cty.Value{attrEmail: cty.StringVal("ani@example.co.id"), attrRegistered: cty.NullVal(cty.Bool)})
			got := p.ReadData(context.Background(), providers.ReadDataRequest{Type: emailType, Addr: "data.usapi_email.e", Config: config})
			if !hasDiag(got.Diagnostics, providers.Error, attrPath(attrEmail), "data.usapi_email.e") {
				t.Fatalf("got %v", got.Diagnostics)
			}
		})
	}
}
