package sandbox

import (
	"net/http"
)

// stateView is the body of GET /_sandbox/state, in the contract's shape.
type stateView struct {
	Accounts      []accountView      `json:"usapi_accounts"`
	Verifications []verificationView `json:"proofylink_verifications"`
	TokensLeft    int                `json:"proofylink_tokens_left"`
	Requests      requestCounts      `json:"requests"`
}

// requestCounts counts API requests (never /_sandbox/state): all of them,
// those answered 429 by -max-rps, 500 by -error-rate, and cut by -drop-rate
// (-fault rules count in failed, dropped and held).
type requestCounts struct {
	Total     int64 `json:"total"`
	Throttled int64 `json:"throttled"`
	Failed    int64 `json:"failed"`
	Dropped   int64 `json:"dropped"`
	// Held counts the requests a -fault hang or hang-after rule held.
	Held int64 `json:"held"`
}

// accountView is an account as the state shows it: no password, not even
// its digest.
type accountView struct {
	Username     string        `json:"username"`
	FirstName    string        `json:"first_name"`
	LastName     string        `json:"last_name"`
	Email        string        `json:"email"`
	PhoneNumber  string        `json:"phone_number"`
	Registration string        `json:"registration"`
	Mode         string        `json:"mode"`
	Platform     string        `json:"platform"`
	CreatedAt    string        `json:"created_at"`
	BasicProfile *basicProfile `json:"basic_profile"`
}

// verificationView is a verification with its status derived now. The NIK
// is shown in full: sandbox NIKs are test fakes and tests assert on them.
type verificationView struct {
	ReferenceCode        string           `json:"reference_code"`
	Consent              string           `json:"consent"`
	ConsentMethod        string           `json:"consent_method"`
	VerificationTypeID   int              `json:"verification_type_id"`
	VerificationTypeName string           `json:"verification_type_name"`
	IDNumber             string           `json:"id_number"`
	FullName             string           `json:"full_name"`
	Email                string           `json:"email"`
	PhoneNumber          string           `json:"phone_number"`
	KTPImageSHA256       string           `json:"ktp_image_sha256"`
	FormConsentSHA256    string           `json:"form_consent_sha256,omitempty"`
	ConsentMetadata      *consentMetadata `json:"consent_metadata,omitempty"`
	Status               string           `json:"status"`
	FailedMessage        *string          `json:"failed_message"`
	CredibilityScore     *int             `json:"credibility_score"`
	CredibilityLevel     *string          `json:"credibility_level"`
	FinalDecision        *string          `json:"final_decision"`
	CreatedAt            string           `json:"created_at"`
	UpdatedAt            string           `json:"updated_at"`
}

func (s *Server) serveState(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		writeJSON(w, http.StatusMethodNotAllowed, message{"Method Not Allowed"})
		return
	}
	writeJSON(w, http.StatusOK, s.state())
}

func (s *Server) state() stateView {
	f := s.faults
	return stateView{
		Accounts:      accountViews(s.store.allAccounts()),
		Verifications: s.verificationViews(),
		TokensLeft:    s.store.tokensLeft(),
		Requests: requestCounts{
			Total: f.total.Load(), Throttled: f.throttled.Load(),
			Failed: f.failed.Load(), Dropped: f.dropped.Load(), Held: f.held.Load(),
		},
	}
}

func accountViews(accounts []account) []accountView {
	out := make([]accountView, len(accounts))
	for i, a := range accounts {
		out[i] = accountView{
			Username: a.Username, FirstName: a.FirstName, LastName: a.LastName,
			Email: a.Email, PhoneNumber: a.PhoneNumber, Registration: a.Registration,
			Mode: a.Mode, Platform: a.Platform, CreatedAt: laravelTime(a.CreatedAt),
			BasicProfile: a.Profile,
		}
	}
	return out
}

func (s *Server) verificationViews() []verificationView {
	now := s.now()
	all := s.store.allVerifications()
	out := make([]verificationView, len(all))
	for i, v := range all {
		p := v.progressAt(now)
		out[i] = verificationView{
			ReferenceCode: v.ReferenceCode, Consent: v.Consent, ConsentMethod: consentMethod(v.Consent),
			VerificationTypeID: v.VerificationTypeID, VerificationTypeName: verificationTypes[v.VerificationTypeID].name,
			IDNumber: v.IDNumber, FullName: v.FullName, Email: v.Email, PhoneNumber: v.PhoneNumber,
			KTPImageSHA256: v.KTPImageSHA256, FormConsentSHA256: v.FormConsentSHA256, ConsentMetadata: v.ConsentMetadata,
			Status: p.Status, FailedMessage: p.FailedMessage, CredibilityScore: p.Score, CredibilityLevel: p.Level,
			CreatedAt: laravelTime(v.CreatedAt), UpdatedAt: laravelTime(p.UpdatedAt),
		}
	}
	return out
}
