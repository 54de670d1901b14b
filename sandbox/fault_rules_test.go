package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseFaultRule(t *testing.T) {
	good := map[string]FaultRule{
		"fail:POST:/usapi/signup:2": {Kind: "fail", Method: "POST", Path: "/usapi/signup", N: 2},
		"hang-after:post:/proofylink/api/v1/external/verifications/upload-consent:1": {Kind: "hang-after", Method: "POST",
			Path: "/proofylink/api/v1/external/verifications/upload-consent", N: 1},
	}
	for in, want := range good {
		if got, err := ParseFaultRule(in); err != nil || got != want {
			t.Errorf("ParseFaultRule(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"fail:POST:/usapi/signup":      "write KIND:METHOD:PATH:N",
		"explode:POST:/usapi/signup:1": "the kind is one of fail, drop, hang, hang-after",
		"fail:POST:usapi/signup:1":     "a path starting with /",
		"fail:POST:/usapi/signup:0":    "1 or more",
		"fail:POST:/usapi/signup:x":    "1 or more",
	}
	for in, want := range bad {
		if _, err := ParseFaultRule(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFaultRule(%q) error %v, want one saying %q", in, err, want)
		}
	}
}

func signupOf(user string) string {
	return fmt.Sprintf(`{"username":%q,"password":"pw-%s","email":"%s@example.id","first_name":"A","last_name":"B"}`, user, user, user)
}

// A fail rule answers 500 to the Nth matching request only, doing nothing.
func TestFaultRuleFailsTheNthRequest(t *testing.T) {
	h := newHarness(t, Options{Faults: []FaultRule{{Kind: "fail", Method: "POST", Path: "/usapi/signup", N: 2}}})
	h.do("POST", "/usapi/check/email", `{"email":"x@example.id"}`).expect(t, 200, `{"status":true,"message":"Email is not registered"}`)
	for i, want := range []int{200, 500, 200} {
		if r := h.do("POST", "/usapi/signup", signupOf(fmt.Sprintf("user%d", i)), basicAuth...); r.status != want {
			t.Errorf("signup %d answered %d, want %d: %s", i+1, r.status, want, r.body)
		}
	}
	st := h.state()
	if len(st.Accounts) != 2 || st.Accounts[1].Username != "user2" || st.Requests.Failed != 1 {
		t.Errorf("accounts %+v, requests %+v: want user0 and user2, one failed", st.Accounts, st.Requests)
	}
}

// hang holds the request with nothing done until the client leaves;
// hang-after does the work first. Both count in requests.held when the
// hold begins.
func TestFaultRuleHangs(t *testing.T) {
	for kind, wantAccounts := range map[string]int{"hang": 0, "hang-after": 1} {
		t.Run(kind, func(t *testing.T) {
			h := newHarness(t, Options{Faults: []FaultRule{{Kind: kind, Method: "POST", Path: "/usapi/signup", N: 1}}})
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "POST", h.base+"/usapi/signup", strings.NewReader(signupOf("ani")))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Basic "+USAPIKey)
			done := make(chan error, 1)
			go func() {
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				done <- err
			}()
			deadline := time.Now().Add(10 * time.Second)
			for h.state().Requests.Held == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the request was not held")
				}
				time.Sleep(5 * time.Millisecond) // a poll, with its deadline: the hold shows only in the count
			}
			select {
			case err := <-done:
				t.Fatalf("a held request was answered: %v", err)
			default:
			}
			cancel()
			if err := <-done; err == nil {
				t.Fatal("the client got an answer")
			}
			// hang-after counts the hold after the work is committed, and
			// hang never does it: the count is final once held is seen.
			if got := len(h.state().Accounts); got != wantAccounts {
				t.Errorf("%d accounts, want %d", got, wantAccounts)
			}
		})
	}
}
