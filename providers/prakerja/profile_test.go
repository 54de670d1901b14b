package prakerja

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
)

func TestProfileFromSandbox(t *testing.T) {
	base := startSandbox(t)
	p := testProvider(t, base+"/prakerja", sandbox.PrakerjaClientCode)
	got := readProfile(p, "sbx-ani-putri")
	if len(got.Diagnostics) != 0 {
		t.Fatal(got.Diagnostics)
	}
	s := got.State
	if s.GetAttr(attrName).AsString() != "Ani Putri" || s.GetAttr(attrEmail).AsString() != "ani.putri@prakerja.sandbox" {
		t.Errorf("state %#v", s)
	}
	for _, name := range profileFields {
		if v := s.GetAttr(name); v.IsNull() || v.AsString() == "" {
			t.Errorf("%s is empty", name)
		}
	}
	if tok := s.GetAttr(attrAccessToken).AsString(); !strings.HasPrefix(tok, "hmac-sha256:") || strings.Contains(tok, "sbx-") {
		t.Errorf("access_token in state = %q, want its digest", tok)
	}
	if again := readProfile(p, "sbx-ani-putri"); !again.State.RawEquals(s) {
		t.Error("the same token reads the same state")
	}
}

func TestProfileSandboxErrors(t *testing.T) {
	base := startSandbox(t)
	tests := map[string]struct {
		clientCode, token string
		path              cty.Path
		want              []string
	}{
		"expired token":  {sandbox.PrakerjaClientCode, "sbx-expired-ani", tokenPath, []string{"ERROAUTH4051", "has expired", "POST /api/v1/oauth/token", "400", "data.prakerja_profile.me", "/prakerja/api/v1/resource/user_profile"}},
		"invalid token":  {sandbox.PrakerjaClientCode, "not-a-token", tokenPath, []string{"ERROAUTH4048", "not valid"}},
		"unknown client": {"someone-else", "sbx-ani", nil, []string{"ERROAUTH4029", "check client_code"}},
		"missing token":  {sandbox.PrakerjaClientCode, "", tokenPath, []string{"Set access_token"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := testProvider(t, base+"/prakerja", tt.clientCode)
			got := readProfile(p, tt.token)
			if !got.State.IsNull() {
				t.Fatalf("state %#v", got.State)
			}
			for _, w := range tt.want {
				if !hasDiag(got.Diagnostics, tt.path, w) {
					t.Errorf("got %v, want %q at %#v", got.Diagnostics, w, tt.path)
				}
			}
			if tt.token != "" && strings.Contains(diagText(got.Diagnostics), tt.token) {
				t.Error("the access token leaked into a diagnostic")
			}
		})
	}
}

// TestSandboxCodesBeneathTheChecks sends what the provider's own checks
// never let through (no token, no client id) to see the sandbox's codes
// mapped.
func TestSandboxCodesBeneathTheChecks(t *testing.T) {
	base := startSandbox(t)
	p := testProvider(t, base+"/prakerja", sandbox.PrakerjaClientCode)
	c := p.cfg.Load().client
	for code, clientCode := range map[string]string{"ERROAUTH4053": sandbox.PrakerjaClientCode, "ERROAUTH4024": ""} {
		c := *c
		c.clientCode = clientCode
		_, err := c.userProfile(context.Background(), map[string]string{"ERROAUTH4053": "", "ERROAUTH4024": "sbx-ani"}[code])
		d := profileDiagnostic("data.prakerja_profile.me", err)
		if !strings.Contains(d.Summary, code) || !strings.Contains(d.Detail, codeAdvice[code].todo) {
			t.Errorf("%s: got %+v", code, d)
		}
	}
}

// TestEveryCodeHasAdvice sends each documented code in both shapes and
// checks that the diagnostic names the code and says what to do.
func TestEveryCodeHasAdvice(t *testing.T) {
	codes := []string{"4024", "4029", "4030", "4031", "4032", "4033", "4034", "4035", "4036", "4037", "4038", "4039", "4040", "4041",
		"4042", "4043", "4044", "4045", "4046", "4047", "4048", "4049", "4050", "4051", "4052", "4053"}
	if len(codes) != len(codeAdvice) {
		t.Fatalf("%d codes documented, %d mapped", len(codes), len(codeAdvice))
	}
	for _, n := range codes {
		code := "ERROAUTH" + n
		for shape, body := range map[string]string{
			"400 body": `{"code":"` + code + `","message":"Unauthorized","success":false}`,
			"envelope": `{"message":"Unauthorized","success":false,"errorCode":"` + code + `","data":null}`,
		} {
			t.Run(code+" "+shape, func(t *testing.T) {
				status := 400
				if shape == "envelope" {
					status = 200
				}
				p := testProvider(t, fakeServer(t, jsonAnswer(status, body)), "c")
				got := readProfile(p, "tok")
				adv := codeAdvice[code]
				if !hasDiag(got.Diagnostics, adv.path, code) || !hasDiag(got.Diagnostics, adv.path, adv.todo) {
					t.Fatalf("got %v", got.Diagnostics)
				}
			})
		}
	}
}

func TestProfileRequestShape(t *testing.T) {
	var seen http.Header
	var path string
	endpoint := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen, path = r.Header.Clone(), r.URL.Path
		jsonAnswer(200, `{"message":"no error","success":true,"errorCode":"0","data":{"dp_user_id":"USER_ID_DP","email":"EMAIL","name":"NAMA","no_prakerja":"ID_PRAKERJA","phone_number":"NO_TELP","user_id":12345}}`)(w, r)
	})
	p := testProvider(t, endpoint, "CLIENT_CODE")
	got := readProfile(p, "ACCESS_TOKEN")
	if len(got.Diagnostics) != 0 {
		t.Fatal(got.Diagnostics)
	}
	if seen.Get("X-Client-Id") != "CLIENT_CODE" || seen.Get("Authorization") != "ACCESS_TOKEN" || path != "/base/api/v1/resource/user_profile" {
		t.Errorf("request %s %v", path, seen)
	}
	if got.State.GetAttr(attrUserID).AsString() != "12345" || got.State.GetAttr(attrNoPrakerja).AsString() != "ID_PRAKERJA" {
		t.Errorf("state %#v", got.State)
	}
}

func TestProfileBadAnswers(t *testing.T) {
	tests := map[string]struct {
		handler http.HandlerFunc
		want    []string
	}{
		"502 HTML":     {htmlAnswer(502), []string{"502", "text/html", "try again later", "/base/api/v1/resource/user_profile"}},
		"invalid JSON": {jsonAnswer(200, `{"message":"no error","success":tr`), []string{"200", "not the JSON"}},
		"truncated":    {truncated(`{"message":"no error","success":true,"data":{"email":"a`), []string{"cut short"}},
		"HTML 200":     {htmlAnswer(200), []string{"text/html"}},
		"500 JSON":     {jsonAnswer(500, `{"message":"internal"}`), []string{"500 Internal Server Error: internal", "try again later"}},
		"no data":      {jsonAnswer(200, `{"message":"no error","success":true,"errorCode":"0"}`), []string{"no data"}},
		"unknown code": {jsonAnswer(400, `{"code":"ERRX9999","message":"odd","success":false}`), []string{"ERRX9999", "not in Prakerja's documented list"}},
		"cut":          {cut, []string{"got no answer"}},
		"404":          {http.NotFound, []string{"404", "Check endpoint"}},
		"302": {func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://sso.example/login?token=x", 302)
		}, []string{"302 Found, redirecting to https://sso.example/login?..."}},
		"too large": {jsonAnswer(200, `{"message":"`+strings.Repeat("x", maxAnswerBytes)+`"}`), []string{"longer than"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := testProvider(t, fakeServer(t, tt.handler), "c")
			got := readProfile(p, "secret-token")
			if !got.State.IsNull() {
				t.Fatal("state should be null")
			}
			for _, w := range tt.want {
				if !hasDiag(got.Diagnostics, nil, w) {
					t.Errorf("got %v, want %q", got.Diagnostics, w)
				}
			}
			if txt := diagText(got.Diagnostics); strings.Contains(txt, "secret-token") || strings.Contains(txt, "<html>") {
				t.Errorf("diagnostic quotes a secret or the body: %s", txt)
			}
		})
	}
}

func TestValidateProfile(t *testing.T) {
	p := New()
	tests := map[string]struct {
		token cty.Value
		want  string
	}{
		"ok":      {cty.StringVal("abc"), ""},
		"unknown": {cty.UnknownVal(cty.String), ""},
		"empty":   {cty.StringVal(""), "Set access_token"},
		"bearer":  {cty.StringVal("Bearer abc"), "remove the \"Bearer \" prefix"},
		"spaces":  {cty.StringVal(" abc\n"), "white space"},
		"newline": {cty.StringVal("ab\ncd"), "control character"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			config := profileConfig("x")
			m := config.AsValueMap()
			m[attrAccessToken] = tt.token
			diags := p.ValidateResource(providers.ValidateRequest{Type: profileType, Config: cty.ObjectVal(m)})
			if tt.want == "" {
				if len(diags) != 0 {
					t.Fatal(diags)
				}
				return
			}
			if !hasDiag(diags, tokenPath, tt.want) {
				t.Fatalf("got %v", diags)
			}
		})
	}
}

func TestNoResources(t *testing.T) {
	p := New()
	if len(p.Schema().Resources) != 0 {
		t.Fatal("Prakerja has no resources")
	}
	ctx := context.Background()
	checks := map[string]providers.Diagnostics{
		"plan":    p.PlanResource(ctx, providers.PlanRequest{Type: "prakerja_x"}).Diagnostics,
		"apply":   p.ApplyResource(ctx, providers.ApplyRequest{Type: "prakerja_x"}).Diagnostics,
		"read":    p.ReadResource(ctx, providers.ReadRequest{Type: "prakerja_x"}).Diagnostics,
		"resolve": p.ResolveResource(ctx, providers.ResolveRequest{Type: "prakerja_x"}).Diagnostics,
		"import":  p.ImportResource(ctx, providers.ImportRequest{Type: profileType}).Diagnostics,
	}
	for name, diags := range checks {
		if !diags.HasErrors() {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestConfigure(t *testing.T) {
	tests := map[string]struct {
		endpoint, clientCode string
		path                 cty.Path
	}{
		"no endpoint":    {"", "c", cty.GetAttrPath("endpoint")},
		"not a URL":      {"api.prakerja.go.id", "c", cty.GetAttrPath("endpoint")},
		"no client code": {"https://api.prakerja.go.id", "", cty.GetAttrPath("client_code")},
		"padded code":    {"https://api.prakerja.go.id", "code\n", cty.GetAttrPath("client_code")},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			diags := New().Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(tt.endpoint, tt.clientCode), Endpoint: tt.endpoint})
			if !diags.HasErrors() || !hasDiag(diags, tt.path, "") {
				t.Fatalf("got %v", diags)
			}
		})
	}
	if diags := readProfile(New(), "tok").Diagnostics; !hasDiag(diags, nil, "not configured") {
		t.Fatalf("unconfigured: %v", diags)
	}
}

// fakeServer serves h under /base and answers the endpoint.
func fakeServer(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/base"
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
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><body>Bad Gateway</body></html>")
	}
}

func truncated(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n%s", body)
		_ = buf.Flush()
		_ = conn.Close()
	}
}

func cut(w http.ResponseWriter, _ *http.Request) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		_ = conn.Close()
	}
}
