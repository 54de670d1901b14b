package sandbox

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// Proofylink's documented answers.
const (
	msgCreateError   = "An error occurred while creating verification."
	msgRetrieveError = "An error occurred while retrieving verification."
	msgTokenError    = "An error occurred while retrieving token."
	msgNoTokens      = "Insufficient token balance"
	msgDataNotFound  = "Data not found."
	msgUnauthentic   = "Unauthenticated."
)

// plStatus is Proofylink's {"status": "...", "message": "..."} body.
type plStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// proofylinkService is the fake Proofylink, mounted under /proofylink.
type proofylinkService struct {
	s       *Server
	reports *reports
}

const proofylinkPrefix = "/proofylink"

func (s *Server) proofylink() *api {
	p := &proofylinkService{s: s, reports: newReports()}
	rt := &router{}
	base := "/api/v1/external/verifications"
	rt.handle("POST", base+"/email-consent", p.create("email"))
	rt.handle("POST", base+"/own-consent", p.create("own"))
	rt.handle("POST", base+"/upload-consent", p.create("upload"))
	rt.handle("GET", base, p.list)
	rt.handle("GET", base+"/{reference_code}", p.detail)
	rt.handle("GET", base+"/{reference_code}/reports/{kind}", p.report)
	rt.handle("GET", "/reports/download", p.download)
	rt.handle("GET", "/api/v1/external/token/balance", p.balance)
	return &api{
		prefix:        proofylinkPrefix,
		routes:        rt,
		limiter:       newLimiter(s.opts.MaxRPS),
		internalError: proofylinkInternalError,
		tooMany:       plStatus{"fail", "Too Many Attempts."},
		refused:       func(msg string) any { return plStatus{"fail", msg} },
	}
}

// proofylinkInternalError is the documented 500 body of the endpoint.
func proofylinkInternalError(r *http.Request) any {
	switch {
	case strings.HasSuffix(r.URL.Path, "/token/balance"):
		return plStatus{"fail", msgTokenError}
	case r.Method == http.MethodPost:
		return plStatus{"error", msgCreateError}
	}
	return plStatus{"error", msgRetrieveError}
}

// authorized checks "Authorization: Bearer sandbox-proofylink-token" and
// answers 401 when it is missing or wrong.
func (p *proofylinkService) authorized(w http.ResponseWriter, r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(token), []byte(ProofylinkToken)) == 1 {
		return true
	}
	writeJSON(w, http.StatusUnauthorized, plStatus{"fail", msgUnauthentic})
	return false
}

// balanceResponse is GET /api/v1/external/token/balance's 200 body.
type balanceResponse struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Data    struct {
		Token int `json:"token"`
	} `json:"data"`
}

func (p *proofylinkService) balance(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		return
	}
	b := balanceResponse{Status: "success", Message: "Token retrieved successfully."}
	b.Data.Token = p.s.store.tokensLeft()
	writeJSON(w, http.StatusOK, b)
}
