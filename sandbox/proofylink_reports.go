package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// reportURLValidity is how long a report's download URL works (the
// documented 600 s).
const reportURLValidity = 600 * time.Second

// reportKinds are the reports a verification has.
var reportKinds = map[string]string{"credit": "Credit report", "proofylink": "Proofylink report"}

// reports serves GET .../verifications/:reference_code/reports/:kind: the
// first request for a final verification's report answers "processing",
// the next ones "ready" with a signed download URL valid for 600 s. A
// verification not yet final has no report (400).
type reports struct {
	mu    sync.Mutex
	asked map[string]bool // reference_code + "/" + kind
	key   []byte
}

func newReports() *reports {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &reports{asked: map[string]bool{}, key: key}
}

// firstAsk records the question and reports whether it is the first.
func (rs *reports) firstAsk(code, kind string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	k := code + "/" + kind
	first := !rs.asked[k]
	rs.asked[k] = true
	return first
}

func (rs *reports) sign(code, kind string, expires int64) string {
	m := hmac.New(sha256.New, rs.key)
	fmt.Fprintf(m, "%s\n%s\n%d", code, kind, expires)
	return hex.EncodeToString(m.Sum(nil))
}

type reportResponse struct {
	Status  string     `json:"status"`
	Message string     `json:"message"`
	Data    reportData `json:"data"`
}

type reportData struct {
	ReferenceCode string `json:"reference_code"`
	Type          string `json:"type"`
	Status        string `json:"status"` // "processing" or "ready"
	URL           string `json:"url,omitempty"`
	ExpiresIn     int    `json:"expires_in,omitempty"`
	ExpiresAt     string `json:"expires_at,omitempty"`
}

func (p *proofylinkService) report(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		return
	}
	code, kind := r.PathValue("reference_code"), r.PathValue("kind")
	if _, ok := reportKinds[kind]; !ok {
		writeJSON(w, http.StatusNotFound, plStatus{"fail", msgDataNotFound})
		return
	}
	v, ok := p.s.store.verification(code)
	if !ok {
		writeJSON(w, http.StatusNotFound, plStatus{"fail", msgDataNotFound})
		return
	}
	now := p.s.now()
	pr := v.progressAt(now)
	if pr.Status != "completed" && pr.Status != "failed" {
		writeJSON(w, http.StatusBadRequest, plStatus{"fail", "Report is not available until the verification is completed or failed."})
		return
	}
	if p.reports.firstAsk(code, kind) {
		writeJSON(w, http.StatusOK, reportResponse{Status: "success", Message: "Report is being generated.",
			Data: reportData{ReferenceCode: code, Type: kind, Status: "processing"}})
		return
	}
	expires := now.Add(reportURLValidity)
	q := url.Values{"reference_code": {code}, "type": {kind}, "expires": {strconv.FormatInt(expires.Unix(), 10)},
		"signature": {p.reports.sign(code, kind, expires.Unix())}}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	link := scheme + "://" + r.Host + proofylinkPrefix + "/reports/download?" + q.Encode()
	writeJSON(w, http.StatusOK, reportResponse{Status: "success", Message: "Report is ready.",
		Data: reportData{ReferenceCode: code, Type: kind, Status: "ready", URL: link,
			ExpiresIn: int(reportURLValidity / time.Second), ExpiresAt: laravelTime(expires)}})
}

// download serves a report's signed URL: no Authorization, as a storage
// bucket's pre-signed link; 403 when the signature is wrong or expired.
func (p *proofylinkService) download(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code, kind := q.Get("reference_code"), q.Get("type")
	expires, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	want := p.reports.sign(code, kind, expires)
	if err != nil || !hmac.Equal([]byte(want), []byte(q.Get("signature"))) {
		http.Error(w, "Forbidden: bad signature", http.StatusForbidden)
		return
	}
	if p.s.now().Unix() > expires {
		http.Error(w, "Forbidden: the link expired", http.StatusForbidden)
		return
	}
	v, ok := p.s.store.verification(code)
	if !ok {
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	pr := v.progressAt(p.s.now())
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.pdf"`, code, kind))
	_, _ = w.Write(reportPDF(v, pr, kind))
}

// reportPDF is a one-page PDF naming the verification, its subject (the
// NIK masked) and its result.
func reportPDF(v *verification, pr progress, kind string) []byte {
	lines := []string{
		reportKinds[kind] + " (daftar sandbox)",
		"Reference code: " + v.ReferenceCode,
		"Name: " + v.FullName,
		"NIK: " + maskNIK(v.IDNumber),
		"Type: " + verificationTypes[v.VerificationTypeID].name,
		"Status: " + pr.Status,
	}
	if pr.Score != nil {
		lines = append(lines, fmt.Sprintf("Credibility: %d (%s)", *pr.Score, *pr.Level))
	}
	if pr.FailedMessage != nil {
		lines = append(lines, "Failed: "+*pr.FailedMessage)
	}
	lines = append(lines, "Generated: "+pr.UpdatedAt.UTC().Format(time.RFC3339))
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 72 760 Td 16 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", pdfEscape(l))
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfEscape keeps a line printable in a PDF string: ASCII only, with
// parentheses and backslashes escaped.
func pdfEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
