package proofylink

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

func TestValidateVerification(t *testing.T) {
	type want struct {
		path     string // "" means no diagnostic at all
		severity providers.Severity
		detail   string
	}
	s := cty.StringVal
	tests := map[string]struct {
		cfg  cty.Value
		want want
	}{
		"email consent valid":    {config(nil), want{}},
		"own consent valid":      {configFor(consentOwn, nil), want{}},
		"upload consent valid":   {configFor(consentUpload, nil), want{}},
		"unknown NIK skipped":    {config(map[string]cty.Value{"id_number": cty.UnknownVal(cty.String)}), want{}},
		"woman's NIK":            {config(map[string]cty.Value{"id_number": s(testNIK2)}), want{}},
		"29 February, leap yy":   {config(map[string]cty.Value{"id_number": s("3171012902960053")}), want{}},
		"NIK short":              {config(map[string]cty.Value{"id_number": s("317101180596005")}), want{"id_number", providers.Error, "exactly 16 digits"}},
		"NIK letters":            {config(map[string]cty.Value{"id_number": s("31710118059600AB")}), want{"id_number", providers.Error, "exactly 16 digits"}},
		"NIK month 13":           {config(map[string]cty.Value{"id_number": s("3171011813960053")}), want{"id_number", providers.Error, "month of birth"}},
		"NIK day 32":             {config(map[string]cty.Value{"id_number": s("3171013205960053")}), want{"id_number", providers.Error, "day of birth"}},
		"NIK day 00":             {config(map[string]cty.Value{"id_number": s("3171010005960053")}), want{"id_number", providers.Error, "day of birth"}},
		"NIK woman's day 72":     {config(map[string]cty.Value{"id_number": s("3171017201960053")}), want{"id_number", providers.Error, "day of birth"}},
		"NIK 31 April":           {config(map[string]cty.Value{"id_number": s("3171013104960053")}), want{"id_number", providers.Error, "day of birth"}},
		"NIK 29 February 97":     {config(map[string]cty.Value{"id_number": s("3171012902970053")}), want{"id_number", providers.Error, "day of birth"}},
		"NIK sequence 0000":      {config(map[string]cty.Value{"id_number": s(failingNIK)}), want{"id_number", providers.Warning, "ends in 0000"}},
		"empty name":             {config(map[string]cty.Value{"full_name": s("  ")}), want{"full_name", providers.Error, "full name"}},
		"bad e-mail":             {config(map[string]cty.Value{"email": s("ani@example")}), want{"email", providers.Error, "not an e-mail address"}},
		"e-mail with name":       {config(map[string]cty.Value{"email": s("Ani <ani@example.id>")}), want{"email", providers.Error, "not an e-mail address"}},
		"phone 08":               {config(map[string]cty.Value{"phone_number": s("081234567890")}), want{"phone_number", providers.Error, "62"}},
		"phone +62":              {config(map[string]cty.Value{"phone_number": s("+6281234567890")}), want{"phone_number", providers.Error, "other than digits"}},
		"phone too long":         {config(map[string]cty.Value{"phone_number": s("621234567890123456")}), want{"phone_number", providers.Error, "digits"}},
		"phone landline-shaped":  {config(map[string]cty.Value{"phone_number": s("622150001234")}), want{"phone_number", providers.Warning, "mobile"}},
		"type 0":                 {config(map[string]cty.Value{"verification_type_id": cty.NumberIntVal(0)}), want{"verification_type_id", providers.Error, "1 to 4"}},
		"type 5":                 {config(map[string]cty.Value{"verification_type_id": cty.NumberIntVal(5)}), want{"verification_type_id", providers.Error, "1 to 4"}},
		"type 1.5":               {config(map[string]cty.Value{"verification_type_id": cty.NumberFloatVal(1.5)}), want{"verification_type_id", providers.Error, "whole number"}},
		"upload with type 3":     {configFor(consentUpload, map[string]cty.Value{"verification_type_id": cty.NumberIntVal(3)}), want{"verification_type_id", providers.Warning, "only types 1 and 2"}},
		"consent unknown":        {config(map[string]cty.Value{"consent": s("mail")}), want{"consent", providers.Error, `use one of "email", "own", "upload"`}},
		"own without metadata":   {config(map[string]cty.Value{"consent": s("own")}), want{"consent_metadata", providers.Error, "needs consent_metadata"}},
		"email with metadata":    {config(map[string]cty.Value{"consent_metadata": metadata(nil)}), want{"consent_metadata", providers.Error, "only sent with consent = \"own\""}},
		"upload without form":    {config(map[string]cty.Value{"consent": s("upload")}), want{"form_consent", providers.Error, "needs form_consent"}},
		"own with form":          {configFor(consentOwn, map[string]cty.Value{"form_consent": s(consentPath)}), want{"form_consent", providers.Error, "only sent with consent = \"upload\""}},
		"metadata bad IP":        {configFor(consentOwn, map[string]cty.Value{"consent_metadata": metadata(map[string]string{"ip_address": "1.2.3"})}), want{"consent_metadata.ip_address", providers.Error, "IPv4 or IPv6"}},
		"metadata empty field":   {configFor(consentOwn, map[string]cty.Value{"consent_metadata": metadata(map[string]string{"os": " "})}), want{"consent_metadata.os", providers.Error, "must not be empty"}},
		"metadata odd timestamp": {configFor(consentOwn, map[string]cty.Value{"consent_metadata": metadata(map[string]string{"timestamp": "06/03/2026 16:00"})}), want{"consent_metadata.timestamp", providers.Warning, "RFC 3339"}},
		"KTP missing":            {config(map[string]cty.Value{"ktp_image": s("ktp/none.jpg")}), want{"ktp_image", providers.Error, "does not exist"}},
		"KTP too large":          {config(map[string]cty.Value{"ktp_image": s("big.jpg")}), want{"ktp_image", providers.Error, "4 MB"}},
		"KTP a folder":           {config(map[string]cty.Value{"ktp_image": s("ktp")}), want{"ktp_image", providers.Error, "not a regular file"}},
		"form too large":         {configFor(consentUpload, map[string]cty.Value{"form_consent": s("big.pdf")}), want{"form_consent", providers.Error, "10 MB"}},
		"form at the limit":      {configFor(consentUpload, map[string]cty.Value{"form_consent": s("limit.pdf")}), want{}},
	}
	e := newEnv(t, "http://127.0.0.1:1")
	writeSized(t, filepath.Join(e.baseDir, "big.jpg"), maxKTPBytes+1)
	writeSized(t, filepath.Join(e.baseDir, "big.pdf"), maxConsentBytes+1)
	writeSized(t, filepath.Join(e.baseDir, "limit.pdf"), maxConsentBytes)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			diags := e.p.ValidateResource(providers.ValidateRequest{Type: verificationType, Addr: testUserAddr, Config: tt.cfg})
			if tt.want.path == "" {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostic, got %s", describe(diags))
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got %s", describe(diags))
			}
			d := diags[0]
			if pathString(d.Path) != tt.want.path || d.Severity != tt.want.severity || !strings.Contains(d.Detail, tt.want.detail) {
				t.Errorf("got %s\nwant %v at %s containing %q", describe(diags), tt.want.severity, tt.want.path, tt.want.detail)
			}
		})
	}
}

func writeSized(t *testing.T, name string, size int64) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func TestValidateDataSources(t *testing.T) {
	p := New()
	for _, typ := range []string{listDataType, balanceDataType} {
		if diags := p.ValidateResource(providers.ValidateRequest{Type: typ, Config: cty.EmptyObjectVal}); len(diags) != 0 {
			t.Errorf("%s: %s", typ, describe(diags))
		}
	}
	if diags := p.ValidateResource(providers.ValidateRequest{Type: "proofylink_other", Config: cty.EmptyObjectVal}); !diags.HasErrors() {
		t.Error("an unknown type passed validation")
	}
}

func TestValidateConfigsWarnsOnSameSubject(t *testing.T) {
	p := New()
	req := func(addr string, over map[string]cty.Value) providers.ValidateRequest {
		return providers.ValidateRequest{Type: verificationType, Addr: addr, Config: config(over)}
	}
	type3 := map[string]cty.Value{"verification_type_id": cty.NumberIntVal(3)}
	diags := providers.ValidateConfigs(p, []providers.ValidateRequest{
		req("proofylink_verification.a", nil),
		req("proofylink_verification.b", type3),                                                      // another type: fine
		req("proofylink_verification.c", map[string]cty.Value{"id_number": cty.StringVal(testNIK2)}), // another NIK: fine
		req("proofylink_verification.d", map[string]cty.Value{"full_name": cty.StringVal("Ani S.")}), // same NIK and type
		req("proofylink_verification.e", map[string]cty.Value{"id_number": cty.UnknownVal(cty.String)}),
		{Type: listDataType, Addr: "data.proofylink_verifications.all", Config: cty.EmptyObjectVal},
	})
	if len(diags) != 1 {
		t.Fatalf("want one warning, got %s", describe(diags))
	}
	d := diags[0]
	if d.Severity != providers.Warning || d.Resource != "proofylink_verification.d" ||
		!strings.Contains(d.Detail, "proofylink_verification.a") || !strings.Contains(d.Detail, "two") {
		t.Errorf("got %+v", d)
	}
	if strings.Contains(d.Detail, testNIK) || !strings.Contains(d.Detail, maskNIK(testNIK)) {
		t.Errorf("detail must show the NIK masked: %s", d.Detail)
	}
}

// TestSettledIsFinal: a verification is settled, not read again by a plain
// refresh, exactly when its status is final.
func TestSettledIsFinal(t *testing.T) {
	p := New()
	for status, want := range map[string]bool{"completed": true, "failed": true, "pending": false, "in_progress": false} {
		v := cty.ObjectVal(map[string]cty.Value{"reference_code": cty.StringVal("EMP-1"), "status": cty.StringVal(status)})
		if got := p.Settled(verificationType, v); got != want {
			t.Errorf("status %s: Settled = %v, want %v", status, got, want)
		}
	}
	if p.Settled(verificationType, cty.NullVal(cty.DynamicPseudoType)) {
		t.Error("a null verification is settled")
	}
}
