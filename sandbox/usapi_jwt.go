package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// Keys of the sandbox's own JWTs. Login and signup tokens use different
// keys, so a signup token is never accepted as a login token.
var (
	usapiLoginKey  = []byte("sandbox-usapi-login-jwt-key")
	usapiSignupKey = []byte("sandbox-usapi-signup-jwt-key")
)

// jwtHeader is {"alg":"HS256","typ":"JWT"}, which encodes to the prefix of
// the document's examples, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9".
const jwtHeader = `{"alg":"HS256","typ":"JWT"}`

// loginClaims is the payload of /auth's token; it carries no exp, as the
// USAPI notes say. The document's example is cut after {"user; the
// sandbox assumes the account's own fields follow, as in the /signup
// token of the same service (without the password hash and OTP).
type loginClaims struct {
	User        string  `json:"user"`
	Username    string  `json:"username"`
	Email       string  `json:"email"`
	FirstName   string  `json:"first_name"`
	LastName    string  `json:"last_name"`
	PhoneNumber *string `json:"phone_number"`
	IssuedAt    int64   `json:"iat"`
}

// signupClaims is the payload of /signup's token, in the example's order.
type signupClaims struct {
	User        string  `json:"user"`
	Username    string  `json:"username"`
	Password    string  `json:"pwd"`
	Email       string  `json:"email"`
	FirstName   string  `json:"first_name"`
	LastName    string  `json:"last_name"`
	PhoneNumber *string `json:"phone_number"`
	Mode        string  `json:"mode"`
	Expires     int64   `json:"exp"`
	OTP         string  `json:"otp"`
	IssuedAt    int64   `json:"iat"`
}

func signJWT(key []byte, claims any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err) // the claims are our own structs of strings and numbers
	}
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString([]byte(jwtHeader)) + "." + enc.EncodeToString(payload)
	return unsigned + "." + enc.EncodeToString(hs256(key, unsigned))
}

func hs256(key []byte, text string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return m.Sum(nil)
}

var errBadToken = errors.New("invalid token")

// verifyJWT checks token's HS256 signature with key and decodes its payload.
func verifyJWT(key []byte, token string, claims any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errBadToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, hs256(key, parts[0]+"."+parts[1])) {
		return errBadToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, claims) != nil {
		return errBadToken
	}
	return nil
}
