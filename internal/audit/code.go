package audit

import (
	"encoding/json"
	"regexp"
)

// CodeExtractor finds the API's own result code in a response body
// ("ERROAUTH4051"), or returns "". The body given may be cut at
// maxCodeBody bytes. The result is recorded only if it looks like a code
// (see codePattern), so an extractor cannot leak free text into the log.
type CodeExtractor func(body []byte) string

// maxCodeBody is how much of a response body is kept for the extractor.
const maxCodeBody = 64 << 10

// codePattern is what a recorded code may look like: a short token, never
// a sentence or an e-mail address.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// DefaultCode reads a JSON object's top-level "code" or "errorCode" (a
// string or a number; "0" means none), else a string "status" of "fail"
// or "error" (Proofylink's envelope).
func DefaultCode(body []byte) string {
	var v struct {
		Code      json.RawMessage `json:"code"`
		ErrorCode json.RawMessage `json:"errorCode"`
		Status    json.RawMessage `json:"status"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	for _, raw := range []json.RawMessage{v.Code, v.ErrorCode} {
		if c := scalar(raw); c != "" && c != "0" {
			return c
		}
	}
	if s := scalar(v.Status); s == "fail" || s == "error" {
		return s
	}
	return ""
}

// scalar returns a JSON string's or number's text, else "".
func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// longDigits is a run of digits no API code has: a NIK (16), a phone
// number (9 to 14), an account number. A "code" holding one is personal
// data echoed back, never recorded.
var longDigits = regexp.MustCompile(`[0-9]{9,}`)

// safeCode keeps c only if it looks like a code.
func safeCode(c string) string {
	if codePattern.MatchString(c) && !longDigits.MatchString(c) {
		return c
	}
	return ""
}
