package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"unicode"
)

// prakerjaError is Prakerja's error body, always sent with HTTP 400.
type prakerjaError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Success bool   `json:"success"`
}

// The documented general errors the sandbox answers, by code.
var prakerjaMessages = map[string]string{
	"ERROAUTH4024": "Unauthorized",
	"ERROAUTH4029": "Unauthorized",
	"ERROAUTH4031": "Unauthorized",
	"ERROAUTH4034": "timestamp harus integer",
	"ERROAUTH4035": "timestamp melebihi waktu server",
	"ERROAUTH4036": "Signature expired",
	"ERROAUTH4037": "Signature payload invalid JSON",
	"ERROAUTH4038": "Signature not match",
	"ERROAUTH4039": "Signature not found",
	"ERROAUTH4040": "Timestamp not found",
	"ERROAUTH4043": "Refresh token key not found",
	"ERROAUTH4044": "Input tidak valid",
	"ERROAUTH4048": "Unauthorized",
	"ERROAUTH4051": "Token expired",
	"ERROAUTH4052": "Auth code expired",
	"ERROAUTH4053": "Token not found",
}

func prakerjaFail(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, prakerjaError{code, prakerjaMessages[code], false})
}

// prakerjaOK is the success envelope.
type prakerjaOK struct {
	Message   string `json:"message"`
	Success   bool   `json:"success"`
	ErrorCode string `json:"errorCode"`
	Data      any    `json:"data"`
}

func prakerjaSuccess(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, prakerjaOK{"no error", true, "0", data})
}

// prakerjaService is the fake Prakerja, mounted under /prakerja.
type prakerjaService struct{ s *Server }

func (s *Server) prakerja() *api {
	p := &prakerjaService{s}
	rt := &router{}
	rt.handle("GET", "/api/v1/resource/user_profile", p.userProfile)
	rt.handle("POST", "/api/v1/oauth/token", p.exchangeCode)
	rt.handle("POST", "/api/v1/oauth/token/refresh", p.refreshToken)
	rt.handle("POST", "/api/v1/integration/payment/redeem-code/commit", p.signed(p.commitRedeemCode))
	return &api{
		prefix:  "/prakerja",
		routes:  rt,
		limiter: newLimiter(s.opts.MaxRPS),
		internalError: func(*http.Request) any {
			return prakerjaError{"ERRSBX500", "Internal server error", false}
		},
		tooMany: prakerjaError{"ERRSBX429", "Too many requests", false},
		refused: func(msg string) any { return prakerjaError{"ERRSBX400", msg, false} },
	}
}

// clientKnown checks X-Client-Id: 4024 when missing, 4029 when unknown.
func clientKnown(w http.ResponseWriter, clientID string) bool {
	switch clientID {
	case "":
		prakerjaFail(w, "ERROAUTH4024")
	case PrakerjaClientCode:
		return true
	default:
		prakerjaFail(w, "ERROAUTH4029")
	}
	return false
}

// profile is user_profile's data, in the document's order.
type profile struct {
	DPUserID    string `json:"dp_user_id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	NoPrakerja  string `json:"no_prakerja"`
	PhoneNumber string `json:"phone_number"`
	UserID      string `json:"user_id"`
}

// userProfile is GET /api/v1/resource/user_profile. The access token comes
// in Authorization without a Bearer prefix.
func (p *prakerjaService) userProfile(w http.ResponseWriter, r *http.Request) {
	if !clientKnown(w, r.Header.Get("X-Client-Id")) {
		return
	}
	token := r.Header.Get("Authorization")
	switch {
	case token == "":
		prakerjaFail(w, "ERROAUTH4053")
	case strings.HasPrefix(token, "sbx-expired-"):
		prakerjaFail(w, "ERROAUTH4051")
	case strings.HasPrefix(token, "sbx-"):
		prakerjaSuccess(w, profileFor(token))
	default:
		prakerjaFail(w, "ERROAUTH4048")
	}
}

// profileFor derives a profile from an sbx- token: "sbx-ani-putri" is
// "Ani Putri", ani.putri@prakerja.sandbox; numbers and ids come from the
// token's SHA-256, so the same token always gives the same profile.
func profileFor(token string) profile {
	words := strings.FieldsFunc(strings.TrimPrefix(token, "sbx-"), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	name, local := "Sandbox User", "user"
	if len(words) > 0 {
		name, local = titleWords(words), strings.ToLower(strings.Join(words, "."))
	}
	sum := sha256.Sum256([]byte(token))
	h := hex.EncodeToString(sum[:])
	return profile{
		DPUserID:    "dp-" + h[:12],
		Email:       local + "@prakerja.sandbox",
		Name:        name,
		NoPrakerja:  digitsFrom(sum[8:24]),
		PhoneNumber: "62812" + digitsFrom(sum[:8]),
		UserID:      h[32:40] + "-" + h[40:44] + "-" + h[44:48] + "-" + h[48:52] + "-" + h[52:64],
	}
}

func titleWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		rs := []rune(strings.ToLower(w))
		rs[0] = unicode.ToUpper(rs[0])
		out[i] = string(rs)
	}
	return strings.Join(out, " ")
}

// digitsFrom turns each byte into one decimal digit.
func digitsFrom(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = '0' + c%10
	}
	return string(out)
}
