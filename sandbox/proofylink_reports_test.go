package sandbox

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The report endpoints follow the documented flow: not available before
// the verification is final, "processing" on the first ask, then "ready"
// with a URL that serves a PDF without the token for 600 s, and 403 after.
func TestProofylinkReports(t *testing.T) {
	h := newHarness(t, Options{})
	code := h.mustCreate("own", withField(verificationFields("own"), "id_number", "3171234567890053"))
	credit := plBase + "/" + code + "/reports/credit"
	h.do("GET", credit, "").expect(t, 401, `{"status":"fail","message":"Unauthenticated."}`)
	if r := h.do("GET", credit, "", bearer...); r.status != 400 {
		t.Fatalf("a report of a verification in progress: %d %s", r.status, r.body)
	}
	h.clock.Advance(DefaultVerifyDelay)
	if d := h.do("GET", credit, "", bearer...).json(t)["data"].(map[string]any); d["status"] != "processing" {
		t.Fatalf("first ask: %v", d)
	}
	d := h.do("GET", credit, "", bearer...).json(t)["data"].(map[string]any)
	link, _ := d["url"].(string)
	if d["status"] != "ready" || d["expires_in"] != float64(600) || link == "" {
		t.Fatalf("second ask: %v", d)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	path := u.Path + "?" + u.RawQuery
	r := h.do("GET", path, "")
	if r.status != 200 || !bytes.HasPrefix([]byte(r.body), []byte("%PDF-1.4")) || !strings.Contains(r.body, "3171********0053") ||
		strings.Contains(r.body, "3171234567890053") || !strings.Contains(r.body, code) || !strings.HasSuffix(r.body, "%%EOF\n") {
		t.Fatalf("download: %d %q", r.status, r.body)
	}
	if r := h.do("GET", strings.Replace(path, "type=credit", "type=proofylink", 1), ""); r.status != 403 {
		t.Errorf("a URL whose signature does not match: %d", r.status)
	}
	h.clock.Advance(601 * time.Second)
	if r := h.do("GET", path, ""); r.status != 403 {
		t.Errorf("a URL after its 600 s: %d", r.status)
	}
	if r := h.do("GET", plBase+"/"+code+"/reports/other", "", bearer...); r.status != 404 {
		t.Errorf("an unknown report: %d", r.status)
	}
}
