package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// FaultRule injects one fault into one chosen request, where the rates
// (-error-rate, -drop-rate) pick requests at random: the Nth request
// (counting from 1) with Method to Path, mount included
// ("/proofylink/api/v1/external/verifications/upload-consent").
type FaultRule struct {
	// Kind is what the request meets:
	//   - "fail": 500 with the endpoint's error body, nothing done (as -error-rate);
	//   - "drop": the work done, then the connection cut (as -drop-rate);
	//   - "hang": held with nothing done until the client goes away, then nothing is done;
	//   - "hang-after": the work done, then the answer held until the client goes away.
	// A held request is counted in requests.held when the hold begins, so
	// that a test knows when to kill the client.
	Kind   string
	Method string
	Path   string
	N      int
}

var faultKinds = []string{"fail", "drop", "hang", "hang-after"}

// ParseFaultRule reads a rule written KIND:METHOD:PATH:N, as -fault takes
// it: "fail:POST:/proofylink/api/v1/external/verifications/upload-consent:2".
func ParseFaultRule(s string) (FaultRule, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 {
		return FaultRule{}, fmt.Errorf("%q: write KIND:METHOD:PATH:N, as in fail:POST:/usapi/signup:1", s)
	}
	r := FaultRule{Kind: parts[0], Method: strings.ToUpper(parts[1]), Path: parts[2]}
	n, err := strconv.Atoi(parts[3])
	switch {
	case !knownFaultKind(r.Kind):
		return r, fmt.Errorf("%q: the kind is one of %s, not %q", s, strings.Join(faultKinds, ", "), r.Kind)
	case r.Method == "" || !strings.HasPrefix(r.Path, "/"):
		return r, fmt.Errorf("%q: give a method and a path starting with /", s)
	case err != nil || n < 1:
		return r, fmt.Errorf("%q: N is which matching request meets the fault, 1 or more, not %q", s, parts[3])
	}
	r.N = n
	return r, nil
}

func knownFaultKind(k string) bool {
	for _, known := range faultKinds {
		if k == known {
			return true
		}
	}
	return false
}

// faultRules counts each rule's matching requests.
type faultRules struct {
	mu    sync.Mutex
	rules []FaultRule
	seen  []int
}

func newFaultRules(rules []FaultRule) *faultRules {
	return &faultRules{rules: rules, seen: make([]int, len(rules))}
}

// pick counts r against every rule and returns the kind of the first rule
// whose Nth request r is, or "".
func (f *faultRules) pick(r *http.Request) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	kind := ""
	for i, rule := range f.rules {
		if r.Method != rule.Method || r.URL.Path != rule.Path {
			continue
		}
		f.seen[i]++
		if f.seen[i] == rule.N && kind == "" {
			kind = rule.Kind
		}
	}
	return kind
}

// applyRule serves r as the rule's kind says. It reports false when no
// rule picked r.
func (s *Server) applyRule(w http.ResponseWriter, r *http.Request, a *api, next http.Handler) bool {
	f := s.faults
	switch f.rules.pick(r) {
	case "fail":
		f.failed.Add(1)
		writeJSON(w, http.StatusInternalServerError, a.internalError(r))
	case "drop":
		f.dropped.Add(1)
		dropAfter(w, r, next)
	case "hang":
		// Read the body, so that net/http notices the client leaving.
		io.Copy(io.Discard, r.Body)
		f.held.Add(1)
		<-r.Context().Done()
	case "hang-after":
		next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
		f.held.Add(1)
		<-r.Context().Done()
	default:
		return false
	}
	return true
}
