package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMaxRPS(t *testing.T) {
	h := newHarness(t, Options{MaxRPS: 2})
	check := func() response { return h.do("POST", "/usapi/check/email", `{"email":"a@b.co"}`) }
	for i := 0; i < 2; i++ {
		if r := check(); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := check()
	r.expect(t, 429, `{"message":"Too many requests"}`)
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q", got)
	}
	// Each API has its own budget; the state endpoint has none.
	h.do("GET", "/proofylink/api/v1/external/token/balance", "", bearer...).expect(t, 200, `{"status":"success","message":"Token retrieved successfully.","data":{"token":1000}}`)
	for range 5 {
		h.state()
	}
	h.clock.Advance(500 * time.Millisecond)
	if r := check(); r.status != 200 {
		t.Errorf("after refill: %d", r.status)
	}
	if r := check(); r.status != 429 {
		t.Errorf("after one refill token: %d", r.status)
	}
	want := requestCounts{Total: 6, Throttled: 2}
	if got := h.state().Requests; got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
}

func TestThrottleBodies(t *testing.T) {
	h := newHarness(t, Options{MaxRPS: 0.25})
	cases := map[string]struct {
		method, path, body string
	}{
		"usapi":      {"POST", "/usapi/check/email", `{"message":"Too many requests"}`},
		"proofylink": {"GET", "/proofylink/api/v1/external/verifications", `{"status":"fail","message":"Too Many Attempts."}`},
		"prakerja":   {"GET", profilePath, `{"code":"ERRSBX429","message":"Too many requests","success":false}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h.do(c.method, c.path, "")
			r := h.do(c.method, c.path, "")
			r.expect(t, 429, c.body)
			if r.header.Get("Retry-After") != "4" {
				t.Errorf("Retry-After %q, want 4", r.header.Get("Retry-After"))
			}
		})
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	cases := map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 4 * time.Second: 4}
	for wait, want := range cases {
		if got := retryAfterSeconds(wait); got != want {
			t.Errorf("%v: %d, want %d", wait, got, want)
		}
	}
}

func TestErrorRate(t *testing.T) {
	h := newHarness(t, Options{ErrorRate: 1})
	cases := map[string]struct {
		method, path, body, want string
		headers                  []string
	}{
		"usapi register": {"POST", "/usapi/internal/register", docRegister, `{"message":"Internal error"}`, basicAuth},
		"usapi signup":   {"POST", "/usapi/signup", docSignup, `{"message":"Internal error"}`, basicAuth},
		"usapi profile":  {"POST", "/usapi/update-basic-profile", "", `{"message":"Error on update profile."}`, nil},
		"pl create":      {"POST", plBase + "/email-consent", jsonBody(t, verificationFields("email")), `{"status":"error","message":"An error occurred while creating verification."}`, bearer},
		"pl list":        {"GET", plBase, "", `{"status":"error","message":"An error occurred while retrieving verification."}`, bearer},
		"pl detail":      {"GET", plBase + "/EMP-260211-0001", "", `{"status":"error","message":"An error occurred while retrieving verification."}`, bearer},
		"pl balance":     {"GET", "/proofylink/api/v1/external/token/balance", "", `{"status":"fail","message":"An error occurred while retrieving token."}`, bearer},
		"prakerja":       {"GET", profilePath, "", `{"code":"ERRSBX500","message":"Internal server error","success":false}`, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { h.do(c.method, c.path, c.body, c.headers...).expect(t, 500, c.want) })
	}
	st := h.state()
	if len(st.Accounts) != 0 || len(st.Verifications) != 0 || st.TokensLeft != DefaultTokens {
		t.Errorf("a 500 did work: %+v", st)
	}
	if want := (requestCounts{Total: int64(len(cases)), Failed: int64(len(cases))}); st.Requests != want {
		t.Errorf("counts %+v, want %+v", st.Requests, want)
	}
}

func TestErrorRateFraction(t *testing.T) {
	h := newHarness(t, Options{ErrorRate: 0.5, Seed: 42})
	fails := 0
	for range 200 {
		if h.do("POST", "/usapi/check/email", `{"email":"a@b.co"}`).status == 500 {
			fails++
		}
	}
	if fails < 60 || fails > 140 || h.state().Requests.Failed != int64(fails) {
		t.Errorf("%d of 200 failed (counted %d)", fails, h.state().Requests.Failed)
	}
}

func TestDropCommitsThenCuts(t *testing.T) {
	h := newHarness(t, Options{DropRate: 1})
	cases := map[string]*http.Request{
		"register": mustRequest(t, "POST", h.base+"/usapi/internal/register", docRegister, basicAuth...),
		"verify":   mustRequest(t, "POST", h.base+plBase+"/upload-consent", jsonBody(t, verificationFields("upload")), bearer...),
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := h.clnt.Do(req)
			if err == nil {
				res.Body.Close()
				t.Fatalf("got an answer %d; want the connection cut", res.StatusCode)
			}
		})
	}
	st := h.state()
	if len(st.Accounts) != 1 || len(st.Verifications) != 1 || st.TokensLeft != DefaultTokens-1 {
		t.Errorf("the dropped work was not committed: %+v", st)
	}
	if want := (requestCounts{Total: 2, Dropped: 2}); st.Requests != want {
		t.Errorf("counts %+v, want %+v", st.Requests, want)
	}
}

func mustRequest(t *testing.T, method, url, body string, headers ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	h.do("POST", "/usapi/check/email", `{"email":"a@b.co"}`)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, before the latency", d)
	}
	start = time.Now()
	h.state()
	if d := time.Since(start); d >= 30*time.Millisecond {
		t.Logf("state took %v (latency must not apply; slow machine?)", d)
	}
}

// -status-false-rate answers USAPI's registrations and profile updates
// 200 {"status": false} without doing the work; /check/email, whose
// "status": false means "registered", is left alone.
func TestStatusFalseRate(t *testing.T) {
	h := newHarness(t, Options{StatusFalseRate: 1})
	h.do("POST", "/usapi/internal/register", docRegister, basicAuth...).expect(t, 200, `{"status":false,"message":"Failed to create account"}`)
	h.do("POST", "/usapi/signup", docSignup, basicAuth...).expect(t, 200, `{"status":false,"message":"Failed to create account"}`)
	h.do("POST", "/usapi/update-basic-profile", "", "Authorization", "Bearer x").expect(t, 200, `{"status":false,"message":"Error on update profile."}`)
	h.do("POST", "/usapi/check/email", `{"email":"a@b.co"}`).expect(t, 200, `{"status":true,"message":"Email is not registered"}`)
	st := h.state()
	if len(st.Accounts) != 0 {
		t.Errorf("a refused registration did work: %+v", st.Accounts)
	}
	if want := (requestCounts{Total: 4, Refused: 3}); st.Requests != want {
		t.Errorf("counts %+v, want %+v", st.Requests, want)
	}
}

// -redirect-rate answers with a redirect to -redirect-to, the request's
// path and query kept, without doing the work.
func TestRedirectRate(t *testing.T) {
	h := newHarness(t, Options{RedirectRate: 1, RedirectTo: "https://elsewhere.example/", RedirectStatus: 302})
	h.clnt.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r := h.do("POST", plBase+"/email-consent?x=1", jsonBody(t, verificationFields("email")), bearer...)
	if r.status != 302 || r.header.Get("Location") != "https://elsewhere.example"+plBase+"/email-consent?x=1" {
		t.Fatalf("got %d Location %q", r.status, r.header.Get("Location"))
	}
	if r := h.do("POST", "/usapi/signup", docSignup, basicAuth...); r.status != 302 {
		t.Fatalf("signup: %d", r.status)
	}
	st := h.state()
	if len(st.Accounts) != 0 || len(st.Verifications) != 0 || st.TokensLeft != DefaultTokens {
		t.Errorf("a redirected request did work: %+v", st)
	}
	if want := (requestCounts{Total: 2, Redirected: 2}); st.Requests != want {
		t.Errorf("counts %+v, want %+v", st.Requests, want)
	}
}
