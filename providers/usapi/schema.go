package usapi

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// Type names served by the provider.
const (
	accountType = "usapi_account"
	emailType   = "usapi_email"
)

// Attribute names of usapi_account, as the API names its fields.
const (
	attrID              = "id"
	attrUsername        = "username"
	attrPassword        = "password"
	attrFirstName       = "first_name"
	attrLastName        = "last_name"
	attrEmail           = "email"
	attrPhoneNumber     = "phone_number"
	attrRegistration    = "registration"
	attrMode            = "mode"
	attrPlatform        = "platform"
	attrRegisteredAt    = "registered_at"
	attrEmailRegistered = "email_registered"
	attrBasicProfile    = "basic_profile"
	attrDateOfBirth     = "date_of_birth"
	attrGender          = "gender"
	attrProfileImg      = "profile_img"
	attrProfileImgSHA   = "profile_img_sha256"
	attrRegistered      = "registered"
)

// Digest purposes of the write-only and file inputs.
const (
	purposePassword   = "usapi_account.password"
	purposeProfileImg = "usapi_account.basic_profile.profile_img"
)

// Values of registration, mode, platform and gender.
const (
	registrationSignup   = "signup"
	registrationInternal = "internal"
)

var (
	registrations = []string{registrationSignup, registrationInternal}
	modes         = []string{"OTP", "LINK"}
	// platforms are the document's list plus ONAPPS, which its own
	// example sends.
	platforms = []string{"ONMART", "ONMARKET", "OSAS", "ONAPPS"}
	genders   = []string{"Laki-Laki", "Perempuan"}
)

// maxProfileImgBytes bounds profile_img. The document gives no limit;
// 5 MB is daftar's choice, so that a mistaken path (a video, an archive)
// fails at plan time rather than at USAPI.
const maxProfileImgBytes = 5 << 20

// Schema describes the provider block, usapi_account and usapi_email.
func (p *Provider) Schema() providers.Schema {
	return providers.Schema{
		Provider:    providerBlock(),
		Resources:   resourceBlocks(),
		DataSources: map[string]*providers.Block{emailType: emailBlock()},
	}
}

// resourceBlocks are the schemas of the provider's table of resource types.
func resourceBlocks() map[string]*providers.Block {
	blocks := make(map[string]*providers.Block, len(resourceTypes))
	for name, rt := range resourceTypes {
		blocks[name] = rt.block()
	}
	return blocks
}

func providerBlock() *providers.Block {
	return &providers.Block{
		Description: "USAPI, the user-account service.",
		Attributes: map[string]*providers.Attribute{
			"endpoint":   {Type: cty.String, Required: true, Transport: true, Description: `Base URL before /signup (a path prefix is allowed), or "sandbox".`},
			"basic_auth": {Type: cty.String, Optional: true, Transport: true, Sensitive: true, Description: `The <auth key> of "Authorization: Basic <auth key>" for /signup and /internal/register; needed to register accounts.`},
			"rate_limit": {Type: cty.Number, Optional: true, Transport: true, Description: "Requests per second to this API (default 10)."},
		},
	}
}

func accountBlock() *providers.Block {
	return &providers.Block{
		Description: "A USAPI user account. USAPI can neither delete an account nor change its password, e-mail, phone number or names.",
		Attributes: map[string]*providers.Attribute{
			attrUsername:        {Type: cty.String, Required: true, RequiresReplace: true, Description: "Unique username; the account's id. A change registers a new account; the old one stays at USAPI."},
			attrPassword:        {Type: cty.String, Required: true, Sensitive: true, WriteOnly: true, Description: "Sent at registration and login; the state keeps a keyed digest. USAPI cannot change it."},
			attrFirstName:       {Type: cty.String, Required: true, Description: "USAPI cannot change it."},
			attrLastName:        {Type: cty.String, Required: true, Description: "USAPI cannot change it."},
			attrEmail:           {Type: cty.String, Required: true, Description: "Unique e-mail. USAPI cannot change it."},
			attrPhoneNumber:     {Type: cty.String, Optional: true, Description: "Unique; 62 then 7 to 15 digits. Required for registration = \"internal\". USAPI cannot change it."},
			attrRegistration:    {Type: cty.String, Optional: true, Computed: true, Description: `"signup" (POST /signup, the default) or "internal" (POST /internal/register).`},
			attrMode:            {Type: cty.String, Optional: true, Description: `Signup only: "OTP" (SMS) or "LINK" (e-mail).`},
			attrPlatform:        {Type: cty.String, Optional: true, Description: "Signup only: ONMART, ONMARKET, OSAS (or ONAPPS, which the document's example sends)."},
			attrID:              {Type: cty.String, Computed: true, RecordID: true, Description: "The username."},
			attrRegisteredAt:    {Type: cty.String, Computed: true, Description: "When daftar saw the registration succeed (RFC 3339); null for an imported account."},
			attrEmailRegistered: {Type: cty.Bool, Computed: true, Description: "Whether USAPI's /check/email knew the e-mail at the last apply or refresh; false while a signup awaits confirmation."},
		},
		Blocks: map[string]*providers.NestedBlock{attrBasicProfile: {Block: profileBlock()}},
	}
}

func profileBlock() providers.Block {
	return providers.Block{
		Description: "Set with POST /auth then POST /update-basic-profile; a change is made in place.",
		Attributes: map[string]*providers.Attribute{
			attrDateOfBirth:   {Type: cty.String, Required: true, Description: "YYYY-MM-DD, in the past."},
			attrGender:        {Type: cty.String, Required: true, Description: "Laki-Laki or Perempuan."},
			attrPhoneNumber:   {Type: cty.String, Required: true, Description: "62 then 7 to 15 digits."},
			attrProfileImg:    {Type: cty.String, Optional: true, Upload: true, Description: "Path of an image file (at most 5 MB), relative to the configuration directory."},
			attrProfileImgSHA: {Type: cty.String, Computed: true, Description: "Keyed digest of the image's content; a change of content updates the profile."},
		},
	}
}

func emailBlock() *providers.Block {
	return &providers.Block{
		Description: "Whether USAPI knows an e-mail address (POST /check/email).",
		Attributes: map[string]*providers.Attribute{
			attrEmail:      {Type: cty.String, Required: true},
			attrRegistered: {Type: cty.Bool, Computed: true},
		},
	}
}
