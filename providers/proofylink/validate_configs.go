package proofylink

import (
	"math/big"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
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
	// typeID is the last verification_type_id read as a whole number:
	// a batch's verifications mostly share one, and reading it again
	// (cty's AsBigFloat) allocated a big.Float per verification.
	typeID atomic.Pointer[typeIDRead]
}

// sameNumber reports whether a, an unmarked number, is b itself: cty
// holds a known number behind a pointer, which == compares, and a batch's
// verifications share the one literal's. (RawEquals allocated four times
// a comparison, more than reading the number again.)
func sameNumber(a, b cty.Value) bool {
	return !b.IsMarked() && a == b
}

// typeIDRead is a verification_type_id and the whole number it is (ok
// false when it is not one).
type typeIDRead struct {
	v  cty.Value
	n  int64
	ok bool
}

// Recheck implements providers.ConfigsRecheck: the subjects it holds are
// this check's, not copied (a million verifications' are 48 MB).
func (c *subjectCheck) Recheck(drop []int64) providers.ConfigsCheck {
	n := &subjectCheck{}
	n.subjects.Inherit(&c.subjects, drop)
	n.typeID.Store(c.typeID.Load())
	return n
}

func (c *subjectCheck) Add(order int64, req providers.ValidateRequest) {
	if key, ok := c.subjectOf(req); ok {
		c.subjects.Add(order, req.Addr, key, "")
	}
}

// AddAttrs implements providers.AttrsCheck: Add of the configuration's
// attributes, without the object a batch's unchanged verification would
// otherwise build only to be read two attributes of.
func (c *subjectCheck) AddAttrs(order int64, typ, addr string, a providers.Attrs) {
	if typ != verificationType {
		return
	}
	if key, ok := c.subjectFrom(plainAttr(a, "id_number"), plainAttr(a, "verification_type_id")); ok {
		c.subjects.Add(order, addr, key, "")
	}
}

// plainAttr is a's attribute name without its marks, as attr reads it of
// the unmarked object: null when there is no such attribute.
func plainAttr(a providers.Attrs, name string) cty.Value {
	v := a.Attr(name)
	if v == cty.NilVal {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return marks.Unmarked(v)
}

func (c *subjectCheck) Diagnostics() providers.Diagnostics {
	var diags providers.Diagnostics
	c.subjects.Each(func(addr, firstAddr string, key subjectKey, _ string) {
		diags = append(diags, duplicateWarning(addr, firstAddr, key))
	})
	return diags
}

func (c *subjectCheck) subjectOf(req providers.ValidateRequest) (subjectKey, bool) {
	if req.Type != verificationType {
		return subjectKey{}, false
	}
	cfg := marks.Unmarked(req.Config)
	return c.subjectFrom(attr(cfg, "id_number"), attr(cfg, "verification_type_id"))
}

// subjectFrom is the subject of a verification's id_number and
// verification_type_id, unmarked: ok false when either is null, unknown,
// of another type, or the type not a whole number.
func (c *subjectCheck) subjectFrom(idNumber, typeID cty.Value) (subjectKey, bool) {
	if !known(idNumber) || idNumber.Type() != cty.String || !known(typeID) || typeID.Type() != cty.Number {
		return subjectKey{}, false
	}
	t := c.typeID.Load()
	if t == nil || !sameNumber(t.v, typeID) {
		n, acc := typeID.AsBigFloat().Int64()
		t = &typeIDRead{typeID, n, acc == big.Exact}
		c.typeID.Store(t)
	}
	return subjectKey{idNumber.AsString(), t.n}, t.ok
}

func duplicateWarning(addr, firstAddr string, key subjectKey) providers.Diagnostic {
	d := providers.Diagnostics{}.Warnf(path("id_number"), "Same subject verified twice",
		"%s verifies the NIK %s with verification_type_id %d, as %s does. Each verification spends a Proofylink token: "+
			"this configuration spends two for the same screening. Remove one unless you mean to screen the subject twice.",
		addr, maskNIK(key.nik), key.typeID, firstAddr)[0]
	d.Resource = addr
	return d
}
