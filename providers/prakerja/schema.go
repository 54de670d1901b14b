package prakerja

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// profileType is the data source served by the provider.
const profileType = "prakerja_profile"

// Attribute names, as the API names its fields.
const (
	attrAccessToken = "access_token"
	attrDPUserID    = "dp_user_id"
	attrEmail       = "email"
	attrName        = "name"
	attrNoPrakerja  = "no_prakerja"
	attrPhoneNumber = "phone_number"
	attrUserID      = "user_id"
)

// profileFields are the computed attributes, each a field of the answer's
// data.
var profileFields = []string{attrDPUserID, attrEmail, attrName, attrNoPrakerja, attrPhoneNumber, attrUserID}

// purposeAccessToken is the digest purpose of the access token kept in the
// data source's state.
const purposeAccessToken = "prakerja_profile.access_token"

// Schema describes the provider block and prakerja_profile. Prakerja has
// no managed resources.
func (p *Provider) Schema() providers.Schema {
	return providers.Schema{
		Provider:    providerBlock(),
		Resources:   map[string]*providers.Block{},
		DataSources: map[string]*providers.Block{profileType: profileBlock()},
	}
}

func providerBlock() *providers.Block {
	return &providers.Block{
		Description: "The Prakerja partner API.",
		Attributes: map[string]*providers.Attribute{
			"endpoint":    {Type: cty.String, Required: true, Transport: true, Description: `Base URL before /api/v1/... (a path prefix is allowed), or "sandbox".`},
			"client_code": {Type: cty.String, Required: true, Description: "The client code Prakerja gave you, sent as X-Client-Id."},
			"sign_key":    {Type: cty.String, Optional: true, Transport: true, Sensitive: true, Description: "The sign key Prakerja gave you with the client code; signs the partner endpoints (/api/v1/integration/...)."},
			"rate_limit":  {Type: cty.Number, Optional: true, Transport: true, Description: "Requests per second to this API (default 10)."},
		},
	}
}

func profileBlock() *providers.Block {
	attrs := map[string]*providers.Attribute{
		attrAccessToken: {Type: cty.String, Required: true, Sensitive: true, WriteOnly: true,
			Description: "The user's access token from the Prakerja OAuth flow, sent as Authorization (no Bearer prefix); the state keeps a keyed digest."},
	}
	for _, name := range profileFields {
		attrs[name] = &providers.Attribute{Type: cty.String, Computed: true}
	}
	attrs[attrDPUserID].Description = "User ID on the partner's (DP) platform."
	attrs[attrEmail].Description = "E-mail of the Prakerja account."
	attrs[attrName].Description = "Name on the Prakerja account."
	attrs[attrNoPrakerja].Description = "Prakerja card number."
	attrs[attrPhoneNumber].Description = "Phone number of the Prakerja account."
	attrs[attrUserID].Description = "User ID of the Prakerja account."
	return &providers.Block{
		Description: "A Prakerja user's profile (GET /api/v1/resource/user_profile).",
		Attributes:  attrs,
	}
}
