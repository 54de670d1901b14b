package usapi

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
)

// ValidateResource checks one usapi_account or usapi_email with the
// document's rules, making no request. Unknown values are skipped.
func (p *Provider) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	v := plain(req.Config)
	if !present(v) {
		return nil
	}
	if req.Type == emailType {
		return checkEmail(nil, objectAttrs{v})
	}
	rt, diags := p.resource(req.Type)
	if diags != nil {
		return unknownType(req.Type)
	}
	return rt.validate(p, v)
}

func (p *Provider) validateAccount(v cty.Value) providers.Diagnostics {
	return p.validateAccountAttrs(objectAttrs{v})
}

// ValidateResourceAttrs implements providers.ValidateAttrs: an account's
// checks read its attributes, from its object (ValidateResource) or
// before the engine builds it, the same checks either way.
func (p *Provider) ValidateResourceAttrs(req providers.ValidateRequest, a providers.Attrs) (providers.Diagnostics, bool) {
	if req.Type != accountType {
		return nil, false
	}
	return p.validateAccountAttrs(a), true
}

func (p *Provider) validateAccountAttrs(v attrReader) providers.Diagnostics {
	var diags providers.Diagnostics
	for _, name := range []string{attrUsername, attrPassword, attrFirstName, attrLastName} {
		diags = checkNotEmpty(diags, v, name)
	}
	diags = checkEmail(diags, v)
	diags = checkPhone(diags, v, attrPath(attrPhoneNumber))
	diags = checkOneOf(diags, v, attrRegistration, registrations)
	diags = checkOneOf(diags, v, attrMode, modes)
	diags = checkPlatform(diags, v)
	diags = checkRegistrationFields(diags, v)
	return p.validateProfile(diags, attrOf(v, attrBasicProfile))
}

// checkNotEmpty: USAPI answers "Must have required property" for an empty
// string as for a missing one.
func checkNotEmpty(diags providers.Diagnostics, v attrReader, name string) providers.Diagnostics {
	if s, ok := strAttr(v, name); ok && s == "" {
		return diags.Errorf(attrPath(name), "Empty "+name, "USAPI requires a non-empty %s.", name)
	}
	return diags
}

func checkEmail(diags providers.Diagnostics, v attrReader) providers.Diagnostics {
	if s, ok := strAttr(v, attrEmail); ok {
		if err := validate.Email(s); err != nil {
			return diags.Errorf(attrPath(attrEmail), "Invalid e-mail address", "%v.", err)
		}
	}
	return diags
}

// checkPhone checks obj's phone_number, reported at path. It applies USAPI's rule (an error) and the stricter shape of an
// Indonesian mobile number (a warning: USAPI accepts any number its rule
// does, but an OTP sent by SMS needs a mobile number).
func checkPhone(diags providers.Diagnostics, obj attrReader, path cty.Path) providers.Diagnostics {
	s, ok := strAttr(obj, attrPhoneNumber)
	if !ok {
		return diags
	}
	if err := validate.Phone62(s); err != nil {
		return diags.Errorf(path, "Invalid phone number", "%v (USAPI's rule).", err)
	}
	if err := validate.IndonesianMobile(s); err != nil {
		return diags.Warnf(path, "Unusual phone number", "%v. USAPI accepts it.", err)
	}
	return diags
}

func checkOneOf(diags providers.Diagnostics, v attrReader, name string, allowed []string) providers.Diagnostics {
	if s, ok := strAttr(v, name); ok {
		if err := validate.OneOf(s, allowed...); err != nil {
			return diags.Errorf(attrPath(name), "Invalid "+name, "%v.", err)
		}
	}
	return diags
}

// checkPlatform accepts the documented values and ONAPPS, which the
// document's own example sends, with a warning.
func checkPlatform(diags providers.Diagnostics, v attrReader) providers.Diagnostics {
	diags = checkOneOf(diags, v, attrPlatform, platforms)
	if s, _ := strAttr(v, attrPlatform); s == "ONAPPS" {
		diags = diags.Warnf(attrPath(attrPlatform), "Undocumented platform",
			`/signup documents the platforms ONMART, ONMARKET and OSAS; its example sends "ONAPPS", which daftar passes on, but USAPI may refuse it.`)
	}
	return diags
}

// checkRegistrationFields: an internal registration has no mode or
// platform (/internal/register would ignore them) and needs a phone
// number.
func checkRegistrationFields(diags providers.Diagnostics, v attrReader) providers.Diagnostics {
	kind, ok := strAttr(v, attrRegistration)
	if !ok || kind != registrationInternal {
		return diags
	}
	for _, name := range []string{attrMode, attrPlatform} {
		if present(attrOf(v, name)) {
			diags = diags.Errorf(attrPath(name), "Not used by internal registration",
				`POST /internal/register takes no %s; remove it, or set registration = "signup" to register with POST /signup.`, name)
		}
	}
	if attrOf(v, attrPhoneNumber).IsNull() {
		diags = diags.Errorf(attrPath(attrPhoneNumber), "Missing phone number",
			`POST /internal/register requires phone_number (62 then 7 to 15 digits); set it, or set registration = "signup", where it is optional.`)
	}
	return diags
}

// validateProfile checks the basic_profile block.
func (p *Provider) validateProfile(diags providers.Diagnostics, pv cty.Value) providers.Diagnostics {
	if !present(pv) {
		return diags
	}
	if s, ok := str(pv, attrDateOfBirth); ok {
		if err := validate.PastDate(s, p.now()); err != nil {
			diags = diags.Errorf(attrPath(attrBasicProfile, attrDateOfBirth), "Invalid date of birth", "%v.", err)
		}
	}
	if s, ok := str(pv, attrGender); ok {
		if err := validate.OneOf(s, genders...); err != nil {
			diags = diags.Errorf(attrPath(attrBasicProfile, attrGender), "Invalid gender", "%v.", err)
		}
	}
	diags = checkPhone(diags, objectAttrs{pv}, attrPath(attrBasicProfile, attrPhoneNumber))
	return p.checkImage(diags, pv)
}

// checkImage checks that profile_img names a file within the size limit.
// The file is relative to the configuration directory, which only
// Configure tells; before it, the check waits for PlanResource.
func (p *Provider) checkImage(diags providers.Diagnostics, pv cty.Value) providers.Diagnostics {
	s, ok := str(pv, attrProfileImg)
	c := p.cfg.Load()
	if !ok || c == nil {
		return diags
	}
	if _, err := validate.File(c.baseDir, s, maxProfileImgBytes); err != nil {
		diags = diags.Errorf(attrPath(attrBasicProfile, attrProfileImg), "Invalid profile image",
			"%v. daftar accepts an image of at most 5 MB (USAPI documents no limit).", err)
	}
	return diags
}
