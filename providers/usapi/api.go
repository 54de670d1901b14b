package usapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strings"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
)

// USAPI's paths, after the endpoint.
const (
	pathSignup   = "/signup"
	pathRegister = "/internal/register"
	pathAuth     = "/auth"
	pathProfile  = "/update-basic-profile"
	pathCheck    = "/check/email"
)

// errNoBasicAuth: a registration was asked of a provider without
// basic_auth.
var errNoBasicAuth = errors.New("provider usapi has no basic_auth")

// registration is the JSON body of /signup and /internal/register.
type registration struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Email       string `json:"email"`
	PhoneNumber string `json:"phone_number,omitempty"`
	Mode        string `json:"mode,omitempty"`
	Platform    string `json:"platform,omitempty"`
}

// registrationPath answers the endpoint of a registration kind.
func registrationPath(kind string) string {
	if kind == registrationInternal {
		return pathRegister
	}
	return pathSignup
}

// register sends one registration. A 2xx whose body says {"status": true}
// means the account was made; {"status": false} is a refusal with the
// API's message; a 2xx body that cannot be read leaves the outcome
// unknown. Only status and message are decoded (the signup answer's token
// carries the OTP and the password's hash), and the body is wiped before
// it is released.
func (c *client) register(ctx context.Context, kind string, r registration) error {
	if c.basicAuth == "" {
		return errNoBasicAuth
	}
	a, err := c.postJSON(ctx, registrationPath(kind), "Basic "+c.basicAuth, r)
	if err != nil {
		return err
	}
	defer clear(a.body)
	if !a.ok() {
		return a.failure()
	}
	return a.succeeded(true)
}

// login is POST /auth; it answers the JWT, which the caller uses for one
// request and then drops.
func (c *client) login(ctx context.Context, username, password string) (string, error) {
	body := map[string]any{"username": username, "password": password, "options": map[string]bool{"nativeApp": false}}
	a, err := c.postJSON(httpx.WithIdempotent(ctx), pathAuth, "", body)
	if err != nil {
		return "", err
	}
	defer clear(a.body)
	if !a.ok() {
		return "", a.failure()
	}
	var t struct {
		Token string `json:"token"`
	}
	if problem := a.decode(&t); problem != "" || t.Token == "" {
		return "", a.bad(orDefault(problem, "the answer has no token"))
	}
	return t.Token, nil
}

// checkBody is the body of /check/email: {"email": "..."}, encoded as a
// map of one entry was, without the map.
type checkBody struct {
	Email string `json:"email"`
}

// emailRegistered is POST /check/email. The document answers
// 200 {"status": true, "message": "Email is not registered"} and
// 409 {"status": false, "message": "Email is already registered"}: the
// status field says whether the e-mail is free, so a 200 with
// {"status": false} is "registered" too. A 200 must be JSON with a
// boolean status, so that a proxy's page answered with 200 is never read
// as "the account is gone"; a 409 must carry the documented body, so that
// a conflict page is never read as "registered".
func (c *client) emailRegistered(ctx context.Context, email string) (bool, error) {
	a, err := c.postJSON(httpx.WithIdempotent(ctx), pathCheck, "", checkBody{Email: email})
	if err != nil {
		return false, err
	}
	switch a.status {
	case http.StatusConflict:
		// Only the documented body says the e-mail is registered: a 409
		// from a proxy or another service says nothing of it.
		var o outcome
		problem := a.decode(&o)
		if problem == "" && (o.Status == nil || *o.Status || !strings.Contains(strings.ToLower(o.Message), "registered")) {
			problem = `the body is not the documented {"status": false, "message": "Email is already registered"}`
		}
		if problem != "" {
			return false, a.bad(problem)
		}
		return true, nil
	case http.StatusOK:
		var o outcome
		problem := a.decode(&o)
		if problem == "" && o.Status == nil {
			problem = `the answer has no "status" saying whether the e-mail is free`
		}
		if problem != "" {
			return false, a.bad(problem)
		}
		return !*o.Status, nil
	}
	return false, a.failure()
}

// profile is the basic_profile JSON part of /update-basic-profile.
type profile struct {
	Gender      string `json:"gender"`
	PhoneNumber string `json:"phone_number"`
	DateOfBirth string `json:"date_of_birth"`
}

// image is a profile_img file to upload.
type image struct {
	name string
	data []byte
}

// updateProfile is POST /update-basic-profile with the login JWT. Setting
// the same profile twice changes nothing, so the request is idempotent.
func (c *client) updateProfile(ctx context.Context, jwt string, p profile, img *image) error {
	body, contentType, err := profileForm(p, img)
	if err != nil {
		return err
	}
	a, err := c.post(httpx.WithIdempotent(ctx), pathProfile, "Bearer "+jwt, contentType, body)
	if err != nil {
		return withoutToken(err, jwt)
	}
	if !a.ok() {
		return withoutToken(a.failure(), jwt)
	}
	return withoutToken(a.succeeded(false), jwt)
}

// tokenHidden is an error whose text may quote the login JWT (an API that
// echoes the request's Authorization): the JWT has no expiry, so it is
// never shown. The error it wraps stays reachable for errors.As.
type tokenHidden struct {
	err   error
	token string
}

func (e *tokenHidden) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.token, secrets.Shown)
}

func (e *tokenHidden) Unwrap() error { return e.err }

// withoutToken hides token in err's text; nil stays nil.
func withoutToken(err error, token string) error {
	if err == nil || len(token) < secrets.MinLen {
		return err
	}
	return &tokenHidden{err: err, token: token}
}

// profileForm builds the multipart body: a basic_profile field holding
// JSON and, when given, a profile_img file part.
func profileForm(p profile, img *image) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	js, err := json.Marshal(p)
	if err != nil {
		return nil, "", err
	}
	if err := w.WriteField("basic_profile", string(js)); err != nil {
		return nil, "", err
	}
	if img != nil {
		if err := writeImage(w, img); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

func writeImage(w *multipart.Writer, img *image) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="profile_img"; filename="`+quoteEscaper.Replace(filepath.Base(img.name))+`"`)
	h.Set("Content-Type", http.DetectContentType(img.data))
	part, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = part.Write(img.data)
	return err
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
