package sandbox

import (
	"net/http"
	"strings"
)

// tokenData is the data of the OAuth token answers (PUBLIC-NOTES).
type tokenData struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    string `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
}

// tokensFor answers the token pair of a user: access "sbx-NAME", refresh
// "sbx-refresh-NAME".
func tokensFor(name string) tokenData {
	return tokenData{
		AccessToken: "sbx-" + name, ExpiresIn: "3600", RefreshToken: "sbx-refresh-" + name,
		Scope: "profile", TokenType: "Bearer",
	}
}

// exchangeCode is POST /api/v1/oauth/token {"code": "..."}: any code but
// "expired-..." yields the tokens of the user it names ("ani" → sbx-ani).
func (p *prakerjaService) exchangeCode(w http.ResponseWriter, r *http.Request) {
	if !clientKnown(w, r.Header.Get("X-Client-Id")) {
		return
	}
	code, ok := stringField(w, r, "code", "ERROAUTH4031")
	if !ok {
		return
	}
	code = strings.TrimPrefix(code, "sbx-")
	if strings.HasPrefix(code, "expired-") {
		prakerjaFail(w, "ERROAUTH4052")
		return
	}
	prakerjaSuccess(w, tokensFor(code))
}

// refreshToken is POST /api/v1/oauth/token/refresh {"token": REFRESH}.
func (p *prakerjaService) refreshToken(w http.ResponseWriter, r *http.Request) {
	if !clientKnown(w, r.Header.Get("X-Client-Id")) {
		return
	}
	token, ok := stringField(w, r, "token", "ERROAUTH4043")
	if !ok {
		return
	}
	name, isRefresh := strings.CutPrefix(token, "sbx-refresh-")
	if !isRefresh {
		prakerjaFail(w, "ERROAUTH4048")
		return
	}
	prakerjaSuccess(w, tokensFor(name))
}

// stringField reads a JSON body's string field: an undecodable body is
// 4044, a missing or empty field is missingCode.
func stringField(w http.ResponseWriter, r *http.Request, key, missingCode string) (string, bool) {
	limitBody(w, r)
	o, err := decodeObject(r.Body)
	if err != nil {
		prakerjaFail(w, "ERROAUTH4044")
		return "", false
	}
	v, isString := o.str(key)
	if !isString {
		prakerjaFail(w, "ERROAUTH4044")
		return "", false
	}
	if v == "" {
		prakerjaFail(w, missingCode)
		return "", false
	}
	return v, true
}
