package usapi

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
)

// Value types of usapi_account and its basic_profile block.
var (
	accountTy = accountBlock().ImpliedType()
	profileTy = accountBlock().Blocks[attrBasicProfile].ImpliedType()
)

// desired answers the state an account's configuration describes, without
// the attributes only an apply or a refresh can tell (registered_at,
// email_registered): the configuration's inputs with the password as its
// digest, registration defaulted to "signup", the id (the username), and
// the profile image's digest.
func (c *config) desired(v cty.Value) (cty.Value, providers.Diagnostics) {
	return c.desiredWith(v, nil)
}

// desiredWith is desired with the attributes of also set too.
func (c *config) desiredWith(v cty.Value, also map[string]cty.Value) (cty.Value, providers.Diagnostics) {
	prof, diags := c.desiredProfile(v.GetAttr(attrBasicProfile))
	return c.desiredOf(v, prof, also), diags
}

// desiredOf is desiredWith of a basic_profile already made desired (by
// desiredProfile): a create checks it before its request and builds the
// record, once answered, in one object.
func (c *config) desiredOf(v, prof cty.Value, also map[string]cty.Value) cty.Value {
	set := map[string]cty.Value{
		attrPassword:     c.digestOf(v.GetAttr(attrPassword), purposePassword),
		attrRegistration: registrationOrDefault(v.GetAttr(attrRegistration)),
		attrID:           v.GetAttr(attrUsername),
		attrBasicProfile: prof,
	}
	for name, val := range also {
		set[name] = val
	}
	return withAttrs(v, set)
}

func registrationOrDefault(v cty.Value) cty.Value {
	if v.IsNull() {
		return cty.StringVal(registrationSignup)
	}
	return v
}

// digestOf answers the keyed digest of a string value; an unknown or null
// value stays as it is.
func (c *config) digestOf(v cty.Value, purpose string) cty.Value {
	if !present(v) {
		return v
	}
	in := v.AsString()
	if m := c.lastDigest.Load(); m != nil && m.purpose == purpose && m.in == in {
		return m.out // a batch's accounts share one password
	}
	out := cty.StringVal(c.digester.Digest(purpose, []byte(in)))
	c.lastDigest.Store(&digestMemo{purpose: purpose, in: in, out: out})
	return out
}

// digestMemo is the last digest digestOf made.
type digestMemo struct {
	purpose, in string
	out         cty.Value
}

// desiredProfile answers the basic_profile block with the digest of its
// image's content.
func (c *config) desiredProfile(pv cty.Value) (cty.Value, providers.Diagnostics) {
	if !pv.IsKnown() {
		return cty.UnknownVal(profileTy), nil
	}
	if pv.IsNull() {
		return cty.NullVal(profileTy), nil
	}
	sum, diags := c.imageDigest(pv.GetAttr(attrProfileImg))
	return withAttrs(pv, map[string]cty.Value{attrProfileImgSHA: sum}), diags
}

// imageDigest reads the profile image named by path and answers its keyed
// digest; a path not yet known gives an unknown digest.
func (c *config) imageDigest(path cty.Value) (cty.Value, providers.Diagnostics) {
	if !path.IsKnown() {
		return cty.UnknownVal(cty.String), nil
	}
	if path.IsNull() {
		return cty.NullVal(cty.String), nil
	}
	img, diags := c.readImage(path.AsString())
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), diags
	}
	return cty.StringVal(c.digester.Digest(purposeProfileImg, img.data)), nil
}

// readImage reads a profile image file relative to the configuration
// directory.
func (c *config) readImage(p string) (*image, providers.Diagnostics) {
	data, err := validate.ReadFile(c.baseDir, p, maxProfileImgBytes)
	if err != nil {
		var diags providers.Diagnostics
		return nil, diags.Errorf(attrPath(attrBasicProfile, attrProfileImg), "Unreadable profile image",
			"%v. The profile image is uploaded to POST /update-basic-profile; daftar accepts files of at most 5 MB (USAPI documents no limit).", err)
	}
	return &image{name: p, data: data}, nil
}

// registrationOf answers the registration kind and body of a wholly known
// configuration.
func registrationOf(v cty.Value) (string, registration) {
	return strOr(v, attrRegistration, registrationSignup), registration{
		Username:    strOr(v, attrUsername, ""),
		Password:    strOr(v, attrPassword, ""),
		FirstName:   strOr(v, attrFirstName, ""),
		LastName:    strOr(v, attrLastName, ""),
		Email:       strOr(v, attrEmail, ""),
		PhoneNumber: strOr(v, attrPhoneNumber, ""),
		Mode:        strOr(v, attrMode, ""),
		Platform:    strOr(v, attrPlatform, ""),
	}
}

// profileOf answers the basic_profile part of a wholly known block.
func profileOf(pv cty.Value) profile {
	return profile{
		Gender:      strOr(pv, attrGender, ""),
		PhoneNumber: strOr(pv, attrPhoneNumber, ""),
		DateOfBirth: strOr(pv, attrDateOfBirth, ""),
	}
}

// withComputed answers state with the attributes an apply or a refresh
// sets.
func withComputed(state cty.Value, registeredAt, emailRegistered cty.Value) cty.Value {
	return withAttrs(state, map[string]cty.Value{attrRegisteredAt: registeredAt, attrEmailRegistered: emailRegistered})
}
