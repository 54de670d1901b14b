package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxSignatureAge is how old a signed request's timestamp may be.
const maxSignatureAge = 5 * time.Minute

// prakerjaSignature is the lowercase hex HMAC-SHA1, keyed by the sign key,
// of client_code + timestamp + METHOD + url_path + body.
func prakerjaSignature(signKey, clientCode, timestamp, method, path string, body []byte) string {
	m := hmac.New(sha1.New, []byte(signKey))
	m.Write([]byte(clientCode + timestamp + method + path))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// signed wraps a partner endpoint: it checks the client_code, signature and
// timestamp headers against the body as sent and the path as the real
// service sees it (without /prakerja), then hands next the body.
func (p *prakerjaService) signed(next func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			prakerjaFail(w, "ERROAUTH4044")
			return
		}
		if code := p.signatureProblem(r, body); code != "" {
			prakerjaFail(w, code)
			return
		}
		if len(bytes.TrimSpace(body)) > 0 && !json.Valid(body) {
			prakerjaFail(w, "ERROAUTH4037")
			return
		}
		next(w, r, body)
	}
}

// signatureProblem answers the error code of a badly signed request, or "".
func (p *prakerjaService) signatureProblem(r *http.Request, body []byte) string {
	client := r.Header.Get("client_code")
	sig, ts := r.Header.Get("signature"), r.Header.Get("timestamp")
	switch {
	case client == "":
		return "ERROAUTH4024"
	case client != PrakerjaClientCode:
		return "ERROAUTH4029"
	case sig == "":
		return "ERROAUTH4039"
	case ts == "":
		return "ERROAUTH4040"
	}
	if code := p.timestampProblem(ts); code != "" {
		return code
	}
	want := prakerjaSignature(PrakerjaSignKey, client, ts, r.Method, r.URL.Path, body)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "ERROAUTH4038"
	}
	return ""
}

// timestampProblem: Unix seconds, not after the server's clock, at most
// maxSignatureAge old.
func (p *prakerjaService) timestampProblem(ts string) string {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "ERROAUTH4034"
	}
	now := p.s.now().Unix()
	switch {
	case sec > now:
		return "ERROAUTH4035"
	case now-sec > int64(maxSignatureAge/time.Second):
		return "ERROAUTH4036"
	}
	return ""
}

// redeemCommitted is the data of a committed redeem code. The documents do
// not show this answer; the fields are the sandbox's own.
type redeemCommitted struct {
	RedeemCode string `json:"redeem_code"`
	Status     string `json:"status"`
}

// commitRedeemCode is POST /api/v1/integration/payment/redeem-code/commit
// {"redeem_code": "..."}. It keeps no record: any code commits.
func (p *prakerjaService) commitRedeemCode(w http.ResponseWriter, _ *http.Request, body []byte) {
	o, err := decodeObjectBytes(body)
	code, isString := "", false
	if err == nil {
		code, isString = o.str("redeem_code")
	}
	if !isString || code == "" {
		prakerjaFail(w, "ERROAUTH4044")
		return
	}
	prakerjaSuccess(w, redeemCommitted{RedeemCode: code, Status: "committed"})
}
