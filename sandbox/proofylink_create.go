package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
)

// createdResponse is the 201 body of the three create endpoints.
type createdResponse struct {
	Status  string      `json:"status"`
	Message string      `json:"message"`
	Data    createdData `json:"data"`
}

type createdData struct {
	ReferenceCode string `json:"reference_code"`
	Status        string `json:"status"`
	ConsentMethod string `json:"consent_method"`
	CreatedAt     string `json:"created_at"`
}

// create answers POST .../{email,own,upload}-consent: 422 on invalid input
// (spending nothing), 400 when no token is left, else 201.
func (p *proofylinkService) create(consent string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !p.authorized(w, r) {
			return
		}
		in, err := readPLInput(w, r)
		if err != nil {
			writeJSON(w, http.StatusRequestEntityTooLarge, plStatus{"fail", "Request entity too large."})
			return
		}
		input, errs := in.validate(consent)
		if !errs.empty() {
			writeJSON(w, http.StatusUnprocessableEntity, validationError{"fail", errs.first(), errs})
			return
		}
		p.commit(w, p.newVerification(consent, input))
	}
}

func (p *proofylinkService) commit(w http.ResponseWriter, v *verification) {
	err := p.s.store.createVerification(v)
	switch {
	case errors.Is(err, errNoTokens):
		writeJSON(w, http.StatusBadRequest, plStatus{"fail", msgNoTokens})
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, plStatus{"error", msgCreateError})
	default:
		writeJSON(w, http.StatusCreated, createdResponse{
			Status: "success", Message: "Verification created successfully.",
			Data: createdData{
				ReferenceCode: v.ReferenceCode, Status: "ocr_verification",
				ConsentMethod: consentMethod(v.Consent), CreatedAt: laravelTime(v.CreatedAt),
			},
		})
	}
}

func (p *proofylinkService) newVerification(consent string, in *validated) *verification {
	v := &verification{
		Consent: consent, VerificationTypeID: in.typeID, IDNumber: in.idNumber,
		FullName: in.fullName, Email: in.email, PhoneNumber: in.phone,
		ConsentMetadata: in.metadata, CreatedAt: p.s.now().UTC(), VerifyDelay: p.s.opts.VerifyDelay,
	}
	v.KTPImageSHA256, v.KTPImageSize = digest(in.ktp)
	if in.form != nil {
		v.FormConsentSHA256, v.FormConsentSize = digest(in.form)
	}
	return v
}

func digest(data []byte) (string, int) {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), len(data)
}
