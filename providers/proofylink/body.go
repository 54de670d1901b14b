package proofylink

import (
	"github.com/zclconf/go-cty/cty"
)

// createBody is the JSON body of a create. The document types ktp_image
// and form_consent "file | base64": they are sent as standard base64
// strings inside the JSON body.
type createBody struct {
	VerificationTypeID int64             `json:"verification_type_id"`
	IDNumber           string            `json:"id_number"`
	FullName           string            `json:"full_name"`
	Email              string            `json:"email"`
	PhoneNumber        string            `json:"phone_number"`
	KTPImage           string            `json:"ktp_image"`
	FormConsent        string            `json:"form_consent,omitempty"`
	ConsentMetadata    map[string]string `json:"consent_metadata,omitempty"`
}

// files are a create's files as sent (nil for a null attribute).
type files struct {
	ktp, form *sentFile
}

// newCreateBody builds the body from a wholly known configuration.
func newCreateBody(cfg cty.Value, f files) *createBody {
	typeID, _ := intAttr(cfg, "verification_type_id")
	b := &createBody{
		VerificationTypeID: typeID,
		IDNumber:           stringAttr(cfg, "id_number"),
		FullName:           stringAttr(cfg, "full_name"),
		Email:              stringAttr(cfg, "email"),
		PhoneNumber:        stringAttr(cfg, "phone_number"),
	}
	if f.ktp != nil {
		b.KTPImage = f.ktp.b64
	}
	if f.form != nil {
		b.FormConsent = f.form.b64
	}
	b.ConsentMetadata = consentMetadata(attr(cfg, "consent_metadata"))
	return b
}

func consentMetadata(meta cty.Value) map[string]string {
	if !known(meta) {
		return nil
	}
	m := make(map[string]string, len(consentMetadataFields))
	for _, name := range consentMetadataFields {
		m[name] = stringAttr(meta, name)
	}
	return m
}
