package prakerja

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Headers of a signed partner request (PUBLIC-NOTES: endpoints under
// /api/v1/integration/...).
const (
	HeaderClientCode = "client_code"
	HeaderSignature  = "signature"
	HeaderTimestamp  = "timestamp"
)

// Sign answers the signature of a partner request: the lowercase hex
// HMAC-SHA1, keyed by signKey, of clientCode + timestamp + method + path +
// body, with no separators. timestamp is Unix seconds written in decimal,
// exactly as sent in the timestamp header; path is the API path as the
// service sees it (/api/v1/integration/...), without the endpoint's own
// prefix or a query; body is exactly the bytes sent.
func Sign(signKey, clientCode, timestamp, method, path string, body []byte) string {
	m := hmac.New(sha1.New, []byte(signKey))
	m.Write([]byte(clientCode))
	m.Write([]byte(timestamp))
	m.Write([]byte(method))
	m.Write([]byte(path))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SignRequest sets the client_code, signature and timestamp headers of req
// for the API path path and the body req will send (the caller passes the
// same bytes it gave req), signed at now.
func SignRequest(req *http.Request, signKey, clientCode, path string, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	// The header names are lowercase on the wire as the documents write
	// them; set them as is rather than canonicalised.
	req.Header[HeaderClientCode] = []string{clientCode}
	req.Header[HeaderTimestamp] = []string{ts}
	req.Header[HeaderSignature] = []string{Sign(signKey, clientCode, ts, req.Method, path, body)}
}
