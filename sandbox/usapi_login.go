package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
)

// login is POST /auth: {"token": JWT} for a known username and password.
func (u *usapiService) login(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r)
	o, err := decodeObject(r.Body)
	if err != nil {
		badRequest(w, msgBadJSON)
		return
	}
	f, msg := requireStrings(o, "username", "password")
	if msg == "" {
		msg = checkLoginOptions(o)
	}
	if msg != "" {
		badRequest(w, msg)
		return
	}
	a, ok := u.s.store.account(f["username"])
	if !ok || !a.passwordMatches(f["password"]) {
		writeJSON(w, http.StatusUnauthorized, message{msgBadLogin})
		return
	}
	var phone *string
	if a.PhoneNumber != "" {
		phone = &a.PhoneNumber
	}
	token := signJWT(usapiLoginKey, loginClaims{User: a.Username, Username: a.Username, Email: a.Email,
		FirstName: a.FirstName, LastName: a.LastName, PhoneNumber: phone, IssuedAt: u.s.now().Unix()})
	writeJSON(w, http.StatusOK, struct {
		Token string `json:"token"`
	}{token})
}

// checkLoginOptions: options is optional; when given it is an object whose
// nativeApp is a required boolean.
func checkLoginOptions(o jsonObject) string {
	if !o.present("options") {
		return ""
	}
	opts, err := decodeObjectBytes(o["options"])
	if err != nil {
		return "Property 'options' must be object"
	}
	if !opts.present("nativeApp") {
		return "Must have required property 'nativeApp'"
	}
	var b bool
	if json.Unmarshal(opts["nativeApp"], &b) != nil {
		return "Property 'nativeApp' must be boolean"
	}
	return ""
}

// bcryptAlphabet is bcrypt's own base64 alphabet.
var bcryptEncoding = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

// fakeBcrypt answers a string shaped like a bcrypt hash ("$2b$08$" + 22
// salt characters + 31 hash characters). It is a salted SHA-256, not
// bcrypt: the sandbox has no bcrypt and nothing checks it.
func fakeBcrypt(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	sum := sha256.Sum256(append(salt, password...))
	return "$2b$08$" + bcryptEncoding.EncodeToString(salt) + bcryptEncoding.EncodeToString(sum[:23])
}

func randomOTP() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		return "000000"
	}
	return fmt.Sprintf("%06d", n.Int64())
}
