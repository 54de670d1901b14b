package proofylink

// The values of consent and the endpoint each one posts to.
const (
	consentEmail  = "email"
	consentOwn    = "own"
	consentUpload = "upload"
)

// createPath is the create endpoint of a consent method.
func createPath(consent string) string {
	return "/api/v1/external/verifications/" + consent + "-consent"
}

// verificationTypeNames are the documented verification_type_id values.
// The upload-consent document lists "2: Test" instead; names holds every
// reading, the first being the one the other documents give.
var verificationTypeNames = map[int64][]string{
	1: {"Rekrutment/Screening Karyawan"},
	2: {"Screening Sewa Mobil/Motor", "Test"},
	3: {"Verifikasi Calon Pelanggan/Mitra"},
	4: {"Screening Tenant (Kos/Kontrakan)"},
}

// typeNameMatches reports whether the verification_type_name the API shows
// is the type id (case and surrounding spaces ignored).
func typeNameMatches(id int64, name string) bool {
	for _, n := range verificationTypeNames[id] {
		if equalFold(n, name) {
			return true
		}
	}
	return false
}
