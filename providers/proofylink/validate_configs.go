package proofylink

import (
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
)

// subjectKey identifies what a verification screens: a NIK and a type. It
// lives only in memory and is never printed.
type subjectKey struct {
	nik    string
	typeID int64
}

// CheckConfigs warns when two verifications of one configuration screen
// the same NIK with the same type: each spends a token. The warning is on
// the second and names the first; it never shows the NIK in clear.
func (p *Provider) CheckConfigs() providers.ConfigsCheck { return &subjectCheck{} }

// subjectCheck keeps each verification's subject.
type subjectCheck struct {
	subjects providers.Repeats[subjectKey]
}

func (c *subjectCheck) Add(order int64, req providers.ValidateRequest) {
	if key, ok := subjectOf(req); ok {
		c.subjects.Add(order, req.Addr, key, "")
	}
}

func (c *subjectCheck) Diagnostics() providers.Diagnostics {
	var diags providers.Diagnostics
	c.subjects.Each(func(addr, firstAddr string, key subjectKey, _ string) {
		diags = append(diags, duplicateWarning(addr, firstAddr, key))
	})
	return diags
}

func subjectOf(req providers.ValidateRequest) (subjectKey, bool) {
	if req.Type != verificationType {
		return subjectKey{}, false
	}
	cfg := marks.Unmarked(req.Config)
	nik, ok := check(cfg, "id_number")
	typeID, whole := intAttr(cfg, "verification_type_id")
	return subjectKey{nik, typeID}, ok && whole
}

func duplicateWarning(addr, firstAddr string, key subjectKey) providers.Diagnostic {
	d := providers.Diagnostics{}.Warnf(path("id_number"), "Same subject verified twice",
		"%s verifies the NIK %s with verification_type_id %d, as %s does. Each verification spends a Proofylink token: "+
			"this configuration spends two for the same screening. Remove one unless you mean to screen the subject twice.",
		addr, maskNIK(key.nik), key.typeID, firstAddr)[0]
	d.Resource = addr
	return d
}
