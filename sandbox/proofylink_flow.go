package sandbox

import (
	"strconv"
	"time"
)

// verificationType is one of the documented verification_type_id values.
type verificationType struct {
	name   string
	prefix string // reference_code prefix
}

var verificationTypes = map[int]verificationType{
	1: {"Rekrutment/Screening Karyawan", "EMP"},
	2: {"Screening Sewa Mobil/Motor", "RNT"},
	3: {"Verifikasi Calon Pelanggan/Mitra", "CST"},
	4: {"Screening Tenant (Kos/Kontrakan)", "TNT"},
}

// The statuses a verification walks through before its final one. The
// create response always says ocr_verification (the seed's example); the
// rest follow the documented flows.
var (
	emailConsentFlow  = []string{"ocr_verification", "pending_consent", "waiting_confirmation", "processing", "on_data_collection", "on_credit_analysis"}
	manualConsentFlow = []string{"ocr_verification", "processing", "on_data_collection", "on_credit_analysis"}
)

const failedOCRMessage = "OCR data mismatch"

// progress is a verification's derived state at some instant.
type progress struct {
	Status        string
	UpdatedAt     time.Time
	Score         *int
	Level         *string
	FailedMessage *string
}

// progressAt derives v's status at now: the flow's steps share VerifyDelay
// evenly; after it the verification is completed, or failed when its NIK
// ends in 0000. UpdatedAt is when the current status began.
func (v *verification) progressAt(now time.Time) progress {
	delay := v.VerifyDelay
	if delay <= 0 {
		delay = DefaultVerifyDelay
	}
	elapsed := max(now.Sub(v.CreatedAt), 0)
	if elapsed >= delay {
		return v.finalProgress(v.CreatedAt.Add(delay))
	}
	flow := manualConsentFlow
	if v.Consent == "email" {
		flow = emailConsentFlow
	}
	n := int64(len(flow))
	step := int64(elapsed) * n / int64(delay)
	since := v.CreatedAt.Add(time.Duration(int64(delay) * step / n))
	return progress{Status: flow[step], UpdatedAt: since}
}

func (v *verification) finalProgress(at time.Time) progress {
	if nikFails(v.IDNumber) {
		msg := failedOCRMessage
		return progress{Status: "failed", UpdatedAt: at, FailedMessage: &msg}
	}
	score := nikScore(v.IDNumber)
	level := scoreLevel(score)
	return progress{Status: "completed", UpdatedAt: at, Score: &score, Level: &level}
}

// nikFails: a NIK whose sequence (last four digits) is 0000 fails OCR. Real
// sequences start at 0001, so no real NIK is affected.
func nikFails(nik string) bool {
	return len(nik) >= 4 && nik[len(nik)-4:] == "0000"
}

// nikScore is the credibility score: the NIK's last four digits modulo 101,
// so ...0053 scores 53 and ...0100 scores 100.
func nikScore(nik string) int {
	if len(nik) < 4 {
		return 0
	}
	n, err := strconv.Atoi(nik[len(nik)-4:])
	if err != nil {
		return 0
	}
	return n % 101
}

// scoreLevel maps a score to A..E: A 85-100, B 70-84, C 55-69, D 40-54,
// E 0-39 (so 53 is D, as in the Proofylink notes).
func scoreLevel(score int) string {
	switch {
	case score >= 85:
		return "A"
	case score >= 70:
		return "B"
	case score >= 55:
		return "C"
	case score >= 40:
		return "D"
	default:
		return "E"
	}
}

// consentMethod is what the API answers as consent_method. own-consent says
// "email" because the seed's own-consent example says so (see docs).
func consentMethod(consent string) string {
	if consent == "upload" {
		return "signed_document"
	}
	return "email"
}
