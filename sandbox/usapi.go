package sandbox

import (
	"errors"
	"net/http"
	"strings"
)

// USAPI's documented messages.
const (
	msgRegisterPhone = "Invalid phone number format"
	msgSignupPhone   = "The phone number format is invalid. Please use the format: 628XXXXXXXXX"
	msgUnauthorized  = "Unauthorized"
	msgBadLogin      = "Invalid username or password"
	msgBadJSON       = "Invalid JSON body"
	msgInternal      = "Internal error"
)

// usapiService is the fake USAPI, mounted under /usapi.
type usapiService struct{ s *Server }

func (s *Server) usapi() *api {
	u := &usapiService{s}
	rt := &router{}
	rt.handle("POST", "/auth", u.login)
	rt.handle("POST", "/internal/register", u.register)
	rt.handle("POST", "/signup", u.signup)
	rt.handle("POST", "/update-basic-profile", u.updateBasicProfile)
	rt.handle("POST", "/check/email", u.checkEmail)
	return &api{
		prefix:        "/usapi",
		routes:        rt,
		limiter:       newLimiter(s.opts.MaxRPS),
		internalError: usapiInternalError,
		tooMany:       message{"Too many requests"},
		statusFalse:   usapiStatusFalse,
		refused:       func(msg string) any { return message{msg} },
	}
}

// usapiStatusFalse is the {"status": false} answer of -status-false-rate:
// for the registrations and the profile update only (on /check/email
// "status": false means "registered", not a failure).
func usapiStatusFalse(r *http.Request) (any, bool) {
	if r.Method != http.MethodPost {
		return nil, false
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/signup"), strings.HasSuffix(r.URL.Path, "/internal/register"):
		return statusMessage{false, "Failed to create account"}, true
	case strings.HasSuffix(r.URL.Path, "/update-basic-profile"):
		return statusMessage{false, "Error on update profile."}, true
	}
	return nil, false
}

// usapiInternalError is the documented 500 body of the endpoint.
func usapiInternalError(r *http.Request) any {
	if strings.HasSuffix(r.URL.Path, "/update-basic-profile") {
		return message{"Error on update profile."}
	}
	return message{msgInternal}
}

func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, message{msg})
}

// basicAuthOK checks "Authorization: Basic <auth key>": the key is sent as
// is, not as base64 of user:password.
func basicAuthOK(r *http.Request) bool {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Basic") && strings.TrimSpace(key) == USAPIKey
}

// requireStrings checks, in order, that each key is present, a string and
// not empty; it answers the values or the first error in AJV's words.
func requireStrings(o jsonObject, keys ...string) (map[string]string, string) {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		v, ok := o.str(k)
		if !ok {
			return nil, "Property '" + k + "' must be string"
		}
		if v == "" {
			return nil, "Must have required property '" + k + "'"
		}
		out[k] = v
	}
	return out, ""
}

// optionalStrings checks that each key, when present, is a string.
func optionalStrings(o jsonObject, out map[string]string, keys ...string) string {
	for _, k := range keys {
		v, ok := o.str(k)
		if !ok {
			return "Property '" + k + "' must be string"
		}
		out[k] = v
	}
	return ""
}

// validUSAPIPhone: digits only, starting with 62, 9..17 characters in all
// (7..15 digits after the 62).
func validUSAPIPhone(p string) bool {
	return allDigits(p) && strings.HasPrefix(p, "62") && len(p) >= 9 && len(p) <= 17
}

func emailFormatMessage() string { return `Property 'email' must match format "email"` }

// conflictMessage maps a store conflict to USAPI's message; ok is false for
// other errors.
func conflictMessage(err error) (string, bool) {
	switch {
	case errors.Is(err, errDuplicateUsername):
		return "Username already exist", true
	case errors.Is(err, errDuplicateEmail):
		return "Email already exist", true
	case errors.Is(err, errDuplicatePhone):
		return "Phone number already exist", true
	}
	return "", false
}

// answerCreateError answers a failed store.createAccount.
func answerCreateError(w http.ResponseWriter, err error) {
	if msg, ok := conflictMessage(err); ok {
		badRequest(w, msg)
		return
	}
	writeJSON(w, http.StatusInternalServerError, message{msgInternal})
}

// checkEmail is POST /check/email: 200 when free, 409 when registered.
func (u *usapiService) checkEmail(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r)
	o, err := decodeObject(r.Body)
	if err != nil {
		badRequest(w, msgBadJSON)
		return
	}
	f, msg := requireStrings(o, "email")
	if msg != "" {
		badRequest(w, msg)
		return
	}
	if u.s.store.emailRegistered(f["email"]) {
		writeJSON(w, http.StatusConflict, statusMessage{false, "Email is already registered"})
		return
	}
	writeJSON(w, http.StatusOK, statusMessage{true, "Email is not registered"})
}

// statusMessage is USAPI's {"status": bool, "message": "..."}.
type statusMessage struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
}
