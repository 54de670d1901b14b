package sandbox

import (
	"net/http"
	"strings"
)

// listItem is one verification in the list, with the NIK masked.
type listItem struct {
	ReferenceCode        string  `json:"reference_code"`
	VerificationTypeName string  `json:"verification_type_name"`
	Status               string  `json:"status"`
	CustomerName         string  `json:"customer_name"`
	CustomerIDNumber     string  `json:"customer_id_number"`
	FinalDecision        *string `json:"final_decision"`
	CreatedAt            string  `json:"created_at"`
	UpdatedAt            string  `json:"updated_at"`
	CredibilityScore     *int    `json:"credibility_score"`
	CredibilityLevel     *string `json:"credibility_level"`
}

// maskNIK keeps the first four and last four digits: 3171********0123.
//
// Written twice on purpose: the Proofylink client has its own maskNIK
// (providers/proofylink/nik.go). The sandbox shares no code with the
// clients it tests, so each side is written from the API document and a
// misreading on either side fails a test. Do not merge them.
func maskNIK(nik string) string {
	if len(nik) < 8 {
		return strings.Repeat("*", len(nik))
	}
	return nik[:4] + "********" + nik[len(nik)-4:]
}

func (p *proofylinkService) listItem(v *verification, pr progress) listItem {
	return listItem{
		ReferenceCode: v.ReferenceCode, VerificationTypeName: verificationTypes[v.VerificationTypeID].name,
		Status: pr.Status, CustomerName: v.FullName, CustomerIDNumber: maskNIK(v.IDNumber),
		CreatedAt: laravelTime(v.CreatedAt), UpdatedAt: laravelTime(pr.UpdatedAt),
		CredibilityScore: pr.Score, CredibilityLevel: pr.Level,
	}
}

// detailResponse is GET .../verifications/:reference_code's 200 body.
type detailResponse struct {
	Status  string     `json:"status"`
	Message string     `json:"message"`
	Data    detailData `json:"data"`
}

type detailData struct {
	Verification detailVerification `json:"verification"`
	Customer     detailCustomer     `json:"customer"`
	Analysis     analysis           `json:"analysis"`
}

type detailVerification struct {
	ReferenceCode        string  `json:"reference_code"`
	VerificationTypeName string  `json:"verification_type_name"`
	CreatedAt            string  `json:"created_at"`
	UpdatedAt            string  `json:"updated_at"`
	Status               string  `json:"status"`
	FailedMessage        *string `json:"failed_message"`
	CredibilityScore     *int    `json:"credibility_score"`
	CredibilityLevel     *string `json:"credibility_level"`
	FinalDecision        *string `json:"final_decision"`
}

// detailCustomer's phone is the national number without 62, as in the
// document's example ("823423423423").
type detailCustomer struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"`
}

func (p *proofylinkService) detail(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		return
	}
	v, ok := p.s.store.verification(r.PathValue("reference_code"))
	if !ok {
		writeJSON(w, http.StatusNotFound, plStatus{"fail", msgDataNotFound})
		return
	}
	pr := v.progressAt(p.s.now())
	writeJSON(w, http.StatusOK, detailResponse{
		Status: "success", Message: "Verification retrieved successfully.",
		Data: detailData{
			Verification: detailVerification{
				ReferenceCode: v.ReferenceCode, VerificationTypeName: verificationTypes[v.VerificationTypeID].name,
				CreatedAt: laravelTime(v.CreatedAt), UpdatedAt: laravelTime(pr.UpdatedAt), Status: pr.Status,
				FailedMessage: pr.FailedMessage, CredibilityScore: pr.Score, CredibilityLevel: pr.Level,
			},
			Customer: detailCustomer{Name: v.FullName, Phone: strings.TrimPrefix(v.PhoneNumber, "62"), IDNumber: v.IDNumber},
			Analysis: analysisFor(v, pr),
		},
	})
}
