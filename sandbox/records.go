package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"time"
)

// account is a USAPI account. Only the profile changes after creation, and it
// is replaced as a whole, so a *basicProfile read under the store's read lock
// may be used after the lock is released.
type account struct {
	Username       string        `json:"username"`
	PasswordSalt   string        `json:"password_salt"`
	PasswordSHA256 string        `json:"password_sha256"`
	FirstName      string        `json:"first_name"`
	LastName       string        `json:"last_name"`
	Email          string        `json:"email"`
	PhoneNumber    string        `json:"phone_number"`
	Registration   string        `json:"registration"` // "internal" or "signup"
	Mode           string        `json:"mode,omitempty"`
	Platform       string        `json:"platform,omitempty"`
	CreatedAt      time.Time     `json:"created_at"`
	Profile        *basicProfile `json:"basic_profile,omitempty"`
}

// basicProfile is what POST /update-basic-profile stores.
type basicProfile struct {
	Gender           string    `json:"gender"`
	PhoneNumber      string    `json:"phone_number"`
	DateOfBirth      string    `json:"date_of_birth"`
	ProfileImgSHA256 string    `json:"profile_img_sha256,omitempty"`
	ProfileImgSize   int       `json:"profile_img_size,omitempty"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// setPassword stores a salted digest, never the password itself.
func (a *account) setPassword(password string) {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	a.PasswordSalt = hex.EncodeToString(salt)
	a.PasswordSHA256 = passwordDigest(a.PasswordSalt, password)
}

func (a *account) passwordMatches(password string) bool {
	got := passwordDigest(a.PasswordSalt, password)
	return subtle.ConstantTimeCompare([]byte(got), []byte(a.PasswordSHA256)) == 1
}

func passwordDigest(salt, password string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + password))
	return hex.EncodeToString(sum[:])
}

// consentMetadata is own-consent's consent_metadata, in the document's order.
type consentMetadata struct {
	UserAgent   string `json:"user_agent"`
	IPAddress   string `json:"ip_address"`
	DeviceType  string `json:"device_type"`
	BrowserInfo string `json:"browser_info"`
	OS          string `json:"os"`
	Timestamp   string `json:"timestamp"`
}

// verification is a Proofylink verification as created. It never changes:
// its status is derived from the time since CreatedAt (see flow.go).
type verification struct {
	ReferenceCode      string           `json:"reference_code"`
	Consent            string           `json:"consent"` // "email", "own" or "upload"
	VerificationTypeID int              `json:"verification_type_id"`
	IDNumber           string           `json:"id_number"`
	FullName           string           `json:"full_name"`
	Email              string           `json:"email"`
	PhoneNumber        string           `json:"phone_number"`
	KTPImageSHA256     string           `json:"ktp_image_sha256"`
	KTPImageSize       int              `json:"ktp_image_size"`
	FormConsentSHA256  string           `json:"form_consent_sha256,omitempty"`
	FormConsentSize    int              `json:"form_consent_size,omitempty"`
	ConsentMetadata    *consentMetadata `json:"consent_metadata,omitempty"`
	CreatedAt          time.Time        `json:"created_at"`
	VerifyDelay        time.Duration    `json:"verify_delay_ns"`
}

// entry is one line of records.jsonl: one committed mutation.
type entry struct {
	Op           string        `json:"op"` // "init", "account", "profile", "verification"
	Version      int           `json:"version,omitempty"`
	Tokens       int           `json:"tokens,omitempty"`
	Account      *account      `json:"account,omitempty"`
	Username     string        `json:"username,omitempty"`
	Profile      *basicProfile `json:"profile,omitempty"`
	Verification *verification `json:"verification,omitempty"`
}

// storeVersion is the records.jsonl format; a newer one is refused.
const storeVersion = 1
