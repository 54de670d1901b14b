package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"strings"
)

// maxEchoedBody bounds the body read for Options.EchoRefuse (a consent form
// is at most 10 MB, in base64).
const maxEchoedBody = 16 << 20

// echoRefused answers a 400 quoting the whole request when it contains
// Options.EchoRefuse, and reports whether it did. Otherwise the body is
// given back to the handler as it was.
func (s *Server) echoRefused(a *api, w http.ResponseWriter, r *http.Request) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxEchoedBody))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	dump := requestDump(r, body)
	if !strings.Contains(dump, s.opts.EchoRefuse) {
		return false
	}
	writeJSON(w, http.StatusBadRequest, a.refused("Invalid request (the sandbox echoes it): "+dump))
	return true
}

// requestDump spells the request as an API that echoes it would: the
// request line, the body as received, and every header.
func requestDump(r *http.Request, body []byte) string {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.URL.RequestURI() + "\n")
	b.Write(body)
	b.WriteString("\n")
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	return b.String()
}
