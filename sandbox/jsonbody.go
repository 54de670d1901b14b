package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/mail"
	"strings"
)

// jsonObject is a request body decoded one level deep, so that each rule
// can look at a field's JSON type as the services' validators do.
type jsonObject map[string]json.RawMessage

var errNotObject = errors.New("body is not a JSON object")

func decodeObject(r io.Reader) (jsonObject, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return decodeObjectBytes(body)
}

func decodeObjectBytes(body []byte) (jsonObject, error) {
	var o jsonObject
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil {
		return nil, err
	}
	if o == nil {
		return nil, errNotObject
	}
	return o, nil
}

// present reports whether key is there and not null.
func (o jsonObject) present(key string) bool {
	raw, ok := o[key]
	return ok && string(raw) != "null"
}

// str answers the string value of key; ok is false when the value is
// present but not a JSON string.
func (o jsonObject) str(key string) (value string, ok bool) {
	if !o.present(key) {
		return "", true
	}
	err := json.Unmarshal(o[key], &value)
	return value, err == nil
}

// validEmail accepts a bare address with a non-empty local part and a
// domain, as the services' format checks do.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n")
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
