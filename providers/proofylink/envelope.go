package proofylink

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// envelope is the body of every Proofylink answer:
// {"status": "success"|"fail"|"error", "message": ..., "data": ...}, with
// "errors" on a 422 and "links"/"meta" on the list.
type envelope struct {
	Status  flexString      `json:"status"`
	Message flexString      `json:"message"`
	Errors  json.RawMessage `json:"errors"`
	Data    json.RawMessage `json:"data"`
	Links   struct {
		// Next is kept raw to tell a null (the last page) from no
		// "next" at all (the answer says nothing of its paging).
		Next json.RawMessage `json:"next"`
	} `json:"links"`
	Meta struct {
		CurrentPage flexNumber `json:"current_page"`
		LastPage    flexNumber `json:"last_page"`
	} `json:"meta"`
	// code is the answer's HTTP status.
	code int
}

// nextLink is links.next: ok is false when the answer has none, and the
// link is "" when it is null (the last page).
func (e *envelope) nextLink() (string, bool) {
	if len(e.Links.Next) == 0 {
		return "", false
	}
	var next flexString
	if json.Unmarshal(e.Links.Next, &next) != nil {
		return "", false
	}
	return next.str(), true
}

// failed reports a body whose status says the request did not succeed.
func (e *envelope) failed() bool {
	s := e.Status.str()
	return s == "fail" || s == "error"
}

// bareFailedMessage finds the seed's unquoted failed_message value
// ("failed_message": OCR data mismatch,), which is not JSON.
var bareFailedMessage = regexp.MustCompile(`("failed_message"\s*:\s*)([^,\n}]*)`)

// decodeEnvelope reads body; a body that is invalid only because of an
// unquoted failed_message, as in the seed's example, is read with the
// value quoted.
func decodeEnvelope(body []byte) (*envelope, error) {
	var env envelope
	err := json.Unmarshal(body, &env)
	if err == nil {
		return &env, nil
	}
	fixed := bareFailedMessage.ReplaceAllFunc(body, quoteBareValue)
	if string(fixed) == string(body) || json.Unmarshal(fixed, &env) != nil {
		return nil, err
	}
	return &env, nil
}

// quoteBareValue quotes the value of a "failed_message": match unless it
// is already JSON (a string, null, a number).
func quoteBareValue(match []byte) []byte {
	loc := bareFailedMessage.FindSubmatchIndex(match)
	key, value := match[:loc[4]], bytes.TrimSpace(match[loc[4]:loc[5]])
	if json.Valid(value) || bytes.HasPrefix(value, []byte(`"`)) {
		return match
	}
	quoted, _ := json.Marshal(string(value))
	return append(append([]byte{}, key...), quoted...)
}

// fieldErrors reads a 422's "errors": each field's messages, as a list or
// a single string.
func (e *envelope) fieldErrors() map[string][]string {
	var raw map[string]json.RawMessage
	if json.Unmarshal(e.Errors, &raw) != nil || len(raw) == 0 {
		return nil
	}
	out := make(map[string][]string, len(raw))
	for field, msg := range raw {
		var list []string
		if json.Unmarshal(msg, &list) != nil {
			var one flexString
			if json.Unmarshal(msg, &one) != nil || one.v == nil {
				continue
			}
			list = []string{one.str()}
		}
		out[field] = redactAll(list)
	}
	return out
}

func redactAll(msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = redact(m)
	}
	return out
}
