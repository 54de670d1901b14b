package httpx

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBreakerTripsOnFailuresNoRowCauses: answers about the request (400)
// reset the count; 401 and 403 and 5xx in a row trip the breaker, as does
// a refused connection; 429 counts neither way.
func TestBreakerTripsOnFailuresNoRowCauses(t *testing.T) {
	var status int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	deadURL := closed.URL
	closed.Close()
	tests := map[string]struct {
		statuses []int // 0: a request to a closed port
		tripped  string
	}{
		"three 401":                {[]int{401, 401, 401}, "401 Unauthorized"},
		"403 and 5xx":              {[]int{403, 500, 503, 401, 403}, "403 Forbidden"},
		"ten 5xx":                  {[]int{500, 502, 503, 500, 500, 500, 500, 500, 500, 503}, "503 Service Unavailable"},
		"nine 5xx":                 {[]int{500, 502, 503, 500, 500, 500, 500, 500, 500}, ""},
		"a row's 400 resets":       {[]int{401, 401, 400, 401, 401}, ""},
		"429 neither way":          {[]int{401, 429, 401, 429, 401}, "401"},
		"connection refused":       {[]int{0, 0, 0}, "refused"},
		"success resets":           {[]int{401, 401, 200, 401, 401}, ""},
		"fewer than the threshold": {[]int{401, 401}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &Breaker{Next: http.DefaultTransport, Provider: "usapi", Threshold: 3, ServerThreshold: 10}
			for _, st := range tc.statuses {
				url := srv.URL + "/signup"
				if st == 0 {
					url = deadURL + "/signup"
				}
				status = st
				req, _ := http.NewRequest("POST", url, nil)
				resp, err := b.RoundTrip(req)
				if err == nil {
					resp.Body.Close()
				} else if _, ok := err.(*net.OpError); !ok && st != 0 {
					t.Fatal(err)
				}
			}
			err := b.Tripped()
			switch {
			case tc.tripped == "" && err != nil:
				t.Errorf("tripped: %v", err)
			case tc.tripped != "" && (err == nil || !strings.Contains(err.Error(), tc.tripped) || !strings.Contains(err.Error(), "POST /signup")):
				t.Errorf("tripped %v, want a cause with %q", err, tc.tripped)
			}
		})
	}
}
