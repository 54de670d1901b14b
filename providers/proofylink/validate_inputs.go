package proofylink

import (
	"strings"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
	"github.com/zclconf/go-cty/cty"
)

// validateNIK checks id_number. A sequence of 0000 is only a warning: no
// real NIK has it, but the sandbox uses it to produce a failed
// verification, which is a legitimate test.
func validateNIK(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	nik, ok := check(cfg, "id_number")
	if !ok {
		return nil
	}
	if problem := nikProblem(nik); problem != "" {
		return diags.Errorf(path("id_number"), "Invalid NIK", "The NIK %s is not valid. %s", maskNIK(nik), problem)
	}
	if nikSequenceZero(nik) {
		diags = diags.Warnf(path("id_number"), "NIK with sequence 0000",
			"The NIK %s ends in 0000, a sequence no real NIK has (they start at 0001). The verification will likely fail "+
				"(the sandbox fails it on purpose with \"OCR data mismatch\") and still spend a token.", maskNIK(nik))
	}
	return diags
}

// validateContact checks full_name, email and phone_number.
func validateContact(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	if name, ok := check(cfg, "full_name"); ok && strings.TrimSpace(name) == "" {
		diags = diags.Errorf(path("full_name"), "Empty full name", "full_name must hold the subject's full name as on the KTP.")
	}
	if email, ok := check(cfg, "email"); ok {
		if err := validate.Email(email); err != nil {
			diags = diags.Errorf(path("email"), "Invalid e-mail address", "%s.", err)
		}
	}
	if phone, ok := check(cfg, "phone_number"); ok {
		diags = append(diags, validatePhone(phone)...)
	}
	return diags
}

// validatePhone applies the shared 62 rule (an error) and the shape of an
// Indonesian mobile number (a warning: the document says only "prefix 62").
func validatePhone(phone string) providers.Diagnostics {
	var diags providers.Diagnostics
	if err := validate.Phone62(phone); err != nil {
		return diags.Errorf(path("phone_number"), "Invalid phone number", "%s.", err)
	}
	if err := validate.IndonesianMobile(phone); err != nil {
		diags = diags.Warnf(path("phone_number"), "Unusual phone number", "%s.", err)
	}
	return diags
}

// validateConsent checks consent and the fields each method requires:
// consent_metadata for own (and only there), form_consent for upload (and
// only there).
func validateConsent(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	consent, ok := check(cfg, "consent")
	if !ok {
		return nil
	}
	if err := validate.OneOf(consent, consentEmail, consentOwn, consentUpload); err != nil {
		return diags.Errorf(path("consent"), "Invalid consent method",
			"%s: \"email\" lets Proofylink e-mail the subject for consent, \"own\" sends the consent you collected "+
				"(with consent_metadata), \"upload\" sends a signed consent form (form_consent).", err)
	}
	meta, form := attr(cfg, "consent_metadata"), attr(cfg, "form_consent")
	diags = append(diags, requireOnly(consent == consentOwn, meta, "consent_metadata", "own", consent)...)
	diags = append(diags, requireOnly(consent == consentUpload, form, "form_consent", "upload", consent)...)
	return diags
}

// requireOnly reports v missing where its consent method needs it, or set
// where another method is used.
func requireOnly(needed bool, v cty.Value, name, method, consent string) providers.Diagnostics {
	var diags providers.Diagnostics
	if !v.IsKnown() {
		return nil
	}
	switch {
	case needed && v.IsNull():
		return diags.Errorf(path(name), "Missing "+name,
			"consent = %q needs %s. Add it, or choose another consent method.", method, name)
	case !needed && !v.IsNull():
		return diags.Errorf(path(name), "Unexpected "+name,
			"%s is only sent with consent = %q; this verification uses consent = %q. Remove %s.", name, method, consent, name)
	}
	return nil
}
