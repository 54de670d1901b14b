package httpx

import (
	"io"
	"net/http"
)

// noReplay keeps net/http's Transport from sending a request again by
// itself. The Transport silently re-sends a request "safe to replay" (GET,
// HEAD, OPTIONS without a body, or with GetBody) when a reused keep-alive
// connection breaks after the request was written: that second sending
// reaches the server below the audit log, the rate limiter and the retry
// budget. net/http documents that it replays only requests that have no
// body or can rewind it; a bodyless request is therefore given an empty
// body that cannot be rewound (net/http still sends it as a request with
// no body), so that a broken connection is returned to the retry layer,
// which decides, audits, waits its turn and counts the retry.
//
// Requests with a body keep GetBody: the Transport then resends them only
// when not a byte was written (the connection was found broken before
// sending), which reaches nobody. HTTP/2, which re-sends on its own rules,
// is not negotiated by newTransport.
type noReplay struct {
	next http.RoundTripper
}

func (t *noReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	if (req.Body != nil && req.Body != http.NoBody) || !replayedMethod(req.Method) {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Body, r.GetBody, r.ContentLength = emptyBody{}, nil, 0
	return t.next.RoundTrip(r)
}

// replayedMethod reports the methods net/http replays by itself (a POST
// is not replayed, and an empty body would make it chunked).
func replayedMethod(method string) bool {
	switch method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// emptyBody is a request body with nothing in it that net/http cannot
// rewind (it is not http.NoBody).
type emptyBody struct{}

func (emptyBody) Read([]byte) (int, error) { return 0, io.EOF }
func (emptyBody) Close() error             { return nil }
