package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

var genders = []string{"Laki-Laki", "Perempuan"}

// updateBasicProfile is POST /update-basic-profile: a login Bearer token and
// a multipart body with a basic_profile JSON field and an optional
// profile_img file.
func (u *usapiService) updateBasicProfile(w http.ResponseWriter, r *http.Request) {
	username, ok := u.bearerUser(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, message{msgUnauthorized})
		return
	}
	p, msg := readBasicProfile(w, r)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	p.UpdatedAt = u.s.now().UTC()
	if err := u.s.store.updateProfile(username, p); err != nil {
		writeJSON(w, http.StatusInternalServerError, message{"Error on update profile."})
		return
	}
	writeJSON(w, http.StatusOK, statusMessage{true, "Success update profile"})
}

// bearerUser answers the username of a valid /auth token.
func (u *usapiService) bearerUser(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	var c loginClaims
	if verifyJWT(usapiLoginKey, strings.TrimSpace(token), &c) != nil {
		return "", false
	}
	_, exists := u.s.store.account(c.Username)
	return c.Username, exists
}

// readBasicProfile parses and validates the multipart body.
func readBasicProfile(w http.ResponseWriter, r *http.Request) (*basicProfile, string) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return nil, "Content-Type must be multipart/form-data"
	}
	limitBody(w, r)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return nil, "Invalid multipart/form-data body"
	}
	defer r.MultipartForm.RemoveAll()
	raw, ok := formText(r, "basic_profile")
	if !ok {
		return nil, "Must have required property 'basic_profile'"
	}
	p, msg := parseBasicProfile(raw)
	if msg == "" {
		msg = attachProfileImage(r, p)
	}
	return p, msg
}

// formText answers a text field, or the content of a file part of that
// name (some clients send JSON parts as files).
func formText(r *http.Request, name string) (string, bool) {
	if vs := r.MultipartForm.Value[name]; len(vs) > 0 {
		return vs[0], true
	}
	data, ok, _ := formFile(r, name)
	return string(data), ok
}

func formFile(r *http.Request, name string) ([]byte, bool, error) {
	fhs := r.MultipartForm.File[name]
	if len(fhs) == 0 {
		return nil, false, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	return data, true, err
}

func parseBasicProfile(raw string) (*basicProfile, string) {
	o, err := decodeObjectBytes([]byte(raw))
	if err != nil {
		return nil, "Property 'basic_profile' must be a JSON object"
	}
	f, msg := requireStrings(o, "gender", "phone_number", "date_of_birth")
	switch {
	case msg != "":
	case checkEnum("gender", f["gender"], genders) != "":
		msg = "Invalid gender. Accepted values: Laki-Laki, Perempuan"
	case !validUSAPIPhone(f["phone_number"]):
		msg = msgSignupPhone
	case !validDate(f["date_of_birth"]):
		msg = "Invalid date_of_birth. Please use the format: YYYY-MM-DD"
	}
	if msg != "" {
		return nil, msg
	}
	return &basicProfile{Gender: f["gender"], PhoneNumber: f["phone_number"], DateOfBirth: f["date_of_birth"]}, ""
}

// validDate accepts a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil && len(s) == 10
}

func attachProfileImage(r *http.Request, p *basicProfile) string {
	data, ok, err := formFile(r, "profile_img")
	if err != nil {
		return "Invalid profile_img file"
	}
	if ok {
		sum := sha256.Sum256(data)
		p.ProfileImgSHA256, p.ProfileImgSize = hex.EncodeToString(sum[:]), len(data)
	}
	return ""
}
