package usapi

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/secrets"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// attrsOf is a configuration given by its attributes, as the engine gives
// an unchanged batch instance's.
type attrsOf struct{ v cty.Value }

func (a attrsOf) Attr(name string) cty.Value {
	if !a.v.Type().HasAttribute(name) {
		return cty.NilVal
	}
	return a.v.GetAttr(name)
}
func (a attrsOf) Object() cty.Value { return a.v }

// TestAttrsAnswerAsObject: PlanInputs and the check across accounts answer
// from a configuration's attributes what they answer from its object (an
// image's stamp, no image, another type, a missing image), and a
// configuration added by its attributes is compared with those added by
// their objects: a new account repeating an unchanged one's e-mail is
// refused either way round.
func TestAttrsAnswerAsObject(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1", "key")
	configs := map[string]cty.Value{
		"image":    account(ani()),
		"no image": account(with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)})),
		"missing image": account(with(ani(), map[string]cty.Value{attrBasicProfile: profileVal(map[string]cty.Value{
			attrDateOfBirth: cty.StringVal("1996-10-18"), attrGender: cty.StringVal("Perempuan"), attrPhoneNumber: cty.StringVal("6281234567890"), attrProfileImg: cty.StringVal("nowhere.jpg")})})),
	}
	for name, cfg := range configs {
		for _, typ := range []string{accountType, emailType} {
			want, wantOK := p.PlanInputs(typ, cfg)
			got, gotOK := p.PlanInputsAttrs(typ, attrsOf{cfg})
			if gotOK != wantOK || !bytes.Equal(got, want) {
				t.Errorf("%s, %s: PlanInputsAttrs %q, %v; PlanInputs %q, %v", name, typ, got, gotOK, want, wantOK)
			}
		}
	}
	if _, ok := p.PlanInputs(accountType, configs["image"]); !ok {
		t.Error("an account with an existing image declined")
	}
	// Without an image the answer is the plan version, every time, though
	// a caller appended to an earlier answer (the stored digests of every
	// batch without images hold exactly these bytes).
	for range 2 {
		got, ok := p.PlanInputsAttrs(accountType, attrsOf{configs["no image"]})
		if !ok || string(got) != "usapi-plan/1" {
			t.Fatalf("PlanInputs of an account without an image: %q, %v", got, ok)
		}
		_ = append(got, "changed"...)
	}

	other := account(with(ani(), map[string]cty.Value{
		attrUsername: cty.StringVal("budi"), attrEmail: cty.StringVal("ANI@example.co.id"), attrPhoneNumber: cty.StringVal("6281200000001")}))
	for _, attrsFirst := range []bool{true, false} {
		c := p.CheckConfigs()
		add := func(order int64, addr string, cfg cty.Value, byAttrs bool) {
			if byAttrs {
				providers.AddConfig(c, order, accountType, addr, attrsOf{cfg})
				return
			}
			c.Add(order, providers.ValidateRequest{Type: accountType, Addr: addr, Config: cfg})
		}
		add(0, `usapi_account.a["ani"]`, configs["image"], attrsFirst)
		add(1, "usapi_account.b", other, !attrsFirst)
		diags := c.Diagnostics()
		if len(diags) != 1 || diags[0].Resource != "usapi_account.b" || !diags[0].Path.Equals(attrPath(attrEmail)) || !contains(diags[0].Detail, `usapi_account.a["ani"]`) {
			t.Errorf("attributes first %v: got %v, want the e-mail repeated on usapi_account.b", attrsFirst, diags)
		}
	}
}

// TestWithAttrsIsAsValueMap: the object withAttrs builds is the one of
// AsValueMap with the attributes set, for an account and an empty object
// (a marked one takes AsValueMap's path, as before); digestOf gives the digest of each value, remembered or not.
func TestWithAttrsIsAsValueMap(t *testing.T) {
	set := map[string]cty.Value{attrID: cty.StringVal("ani"), "extra": cty.True}
	reference := func(obj cty.Value) cty.Value {
		m := obj.AsValueMap()
		if m == nil {
			m = map[string]cty.Value{}
		}
		for k, v := range set {
			m[k] = v
		}
		return cty.ObjectVal(m)
	}
	for name, obj := range map[string]cty.Value{
		"account":       account(ani()),
		"empty":         cty.EmptyObjectVal,
		"unknown attrs": account(map[string]cty.Value{attrID: cty.UnknownVal(cty.String), attrEmail: cty.StringVal("a@b.id")}),
	} {
		if got, want := withAttrs(obj, set), reference(obj); !got.RawEquals(want) {
			t.Errorf("%s: %#v, want %#v", name, got, want)
		}
	}

	p := testProvider(t, "http://127.0.0.1:1", "key")
	c := p.cfg.Load()
	for _, pw := range []string{"one", "one", "two", "one"} {
		want := c.digester.Digest(purposePassword, []byte(pw))
		if got := c.digestOf(cty.StringVal(pw), purposePassword); got.AsString() != want {
			t.Errorf("digest of %q: %s, want %s", pw, got.AsString(), want)
		}
	}
	if got, want := c.digestOf(cty.StringVal("one"), purposeProfileImg).AsString(), c.digester.Digest(purposeProfileImg, []byte("one")); got != want {
		t.Errorf("another purpose: %s, want %s", got, want)
	}
}

// TestPlanInputsBeforeConfigure: told the configuration directory before
// Configure (SetBaseDir, as the engine does before a plan's pre-pass),
// PlanInputs of an account with a profile image answers what a configured
// provider answers; Configure with the same directory keeps the image's
// first stamp (the walk computes the pre-pass's digest), and the next run
// sees a touched image.
func TestPlanInputsBeforeConfigure(t *testing.T) {
	configured := testProvider(t, "http://127.0.0.1:1", "key")
	dir := configured.cfg.Load().baseDir
	cfg := account(ani())
	want, ok := configured.PlanInputs(accountType, cfg)
	if !ok {
		t.Fatal("PlanInputs of a configured provider declined an account with an image")
	}
	p := New()
	if _, ok := p.PlanInputs(accountType, cfg); ok {
		t.Fatal("PlanInputs accepted an image before the configuration directory was told")
	}
	p.SetBaseDir(dir)
	before, ok := p.PlanInputsAttrs(accountType, attrsOf{cfg})
	if !ok || !bytes.Equal(before, want) {
		t.Fatalf("PlanInputsAttrs before Configure: %q (ok %v), want the configured provider's %q", before, ok, want)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "photo.jpg"), later, later); err != nil {
		t.Fatal(err)
	}
	if diags := p.Configure(context.Background(), providers.ConfigureRequest{
		Config:   cty.ObjectVal(map[string]cty.Value{"endpoint": cty.StringVal("http://127.0.0.1:1"), "basic_auth": cty.StringVal("key"), "rate_limit": cty.NullVal(cty.Number)}),
		Endpoint: "http://127.0.0.1:1", HTTPClient: &http.Client{}, BaseDir: dir, Digester: secrets.NewDigester([]byte("test digest key")),
	}); len(diags) > 0 {
		t.Fatalf("Configure: %v", diags)
	}
	if after, ok := p.PlanInputs(accountType, cfg); !ok || !bytes.Equal(after, before) {
		t.Errorf("PlanInputs after Configure, the image touched in between: %q (ok %v), want the pre-Configure answer %q", after, ok, before)
	}
	next := New()
	next.SetBaseDir(dir)
	if touched, ok := next.PlanInputs(accountType, cfg); !ok || bytes.Equal(touched, before) {
		t.Errorf("PlanInputs of the next run after the image was touched: %q (ok %v), want another answer", touched, ok)
	}
}

// TestPlanAttrsIsPlan: a new account planned from its configuration's
// attributes (PlanResourceAttrs) gets PlanResource's answer for its
// object: the planned value (the password digested, the registration's
// default, the id, the profile with its image's digest, what is known
// only after apply), the reason and the diagnostics; an update, a
// replace and another type are declined.
func TestPlanAttrsIsPlan(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1", "key")
	ctx := context.Background()
	for name, cfg := range map[string]cty.Value{
		"profile image": account(ani()),
		"no profile":    account(with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)})),
		"internal":      account(with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy), attrRegistration: cty.StringVal(registrationInternal)})),
		"signup":        account(with(ani(), map[string]cty.Value{attrRegistration: cty.StringVal(registrationSignup)})),
		"no password":   account(with(ani(), map[string]cty.Value{attrPassword: cty.NullVal(cty.String)})),
		"unknown e-mail": account(with(ani(), map[string]cty.Value{attrEmail: cty.UnknownVal(cty.String),
			attrRegistration: cty.UnknownVal(cty.String)})),
		"missing image": account(with(ani(), map[string]cty.Value{attrBasicProfile: profileVal(map[string]cty.Value{
			attrDateOfBirth: cty.StringVal("1996-10-18"), attrGender: cty.StringVal("Perempuan"), attrPhoneNumber: cty.StringVal("6281234567890"), attrProfileImg: cty.StringVal("nowhere.jpg")})})),
	} {
		req := providers.PlanRequest{Type: accountType, Addr: "usapi_account.a", Config: cfg, Prior: cty.NullVal(accountTy)}
		want := p.PlanResource(ctx, req)
		req.Config = cty.NilVal
		got, ok := p.PlanResourceAttrs(ctx, req, attrsOf{cfg})
		if !ok {
			t.Errorf("%s: declined", name)
			continue
		}
		if !got.Planned.RawEquals(want.Planned) || got.Reason != want.Reason || fmt.Sprint(got.Diagnostics) != fmt.Sprint(want.Diagnostics) ||
			len(got.RequiresReplace) != 0 || got.Existing != nil || got.Spends != want.Spends {
			t.Errorf("%s: planned\n%#v, %q, %v\nwant\n%#v, %q, %v", name, got.Planned, got.Reason, got.Diagnostics, want.Planned, want.Reason, want.Diagnostics)
		}
		// As its attributes (PlanResourceFields): the planned object's,
		// in the order of the names, with the same reason and diagnostics.
		names := slices.Sorted(maps.Keys(accountTy.AttributeTypes()))
		fields, vals, ok := p.PlanResourceFields(ctx, req, attrsOf{cfg}, names)
		if !ok || len(vals) != len(names) {
			t.Errorf("%s: declined as attributes, or %d values for %d names", name, len(vals), len(names))
			continue
		}
		for i, n := range names {
			if !vals[i].RawEquals(want.Planned.GetAttr(n)) {
				t.Errorf("%s: planned %s %#v, want %#v", name, n, vals[i], want.Planned.GetAttr(n))
			}
		}
		if fields.Planned != cty.NilVal || fields.Reason != want.Reason || fmt.Sprint(fields.Diagnostics) != fmt.Sprint(want.Diagnostics) || fields.Existing != nil {
			t.Errorf("%s: as attributes %#v, %q, %v", name, fields.Planned, fields.Reason, fields.Diagnostics)
		}
		if _, _, ok := p.PlanResourceFields(ctx, req, attrsOf{cfg}, names[1:]); ok {
			t.Errorf("%s: planned as attributes for names that are not the account's", name)
		}
	}
	cfg := account(ani())
	for name, req := range map[string]providers.PlanRequest{
		"update":       {Type: accountType, Prior: cfg},
		"replace":      {Type: accountType, Prior: cty.NullVal(accountTy), Replacing: cfg},
		"another type": {Type: emailType, Prior: cty.NullVal(accountTy)},
	} {
		if _, ok := p.PlanResourceAttrs(ctx, req, attrsOf{cfg}); ok {
			t.Errorf("%s: planned from the attributes", name)
		}
	}
	unconfigured := New()
	if _, ok := unconfigured.PlanResourceAttrs(ctx, providers.PlanRequest{Type: accountType, Prior: cty.NullVal(accountTy)}, attrsOf{cfg}); ok {
		t.Error("planned by an unconfigured provider")
	}
}

// TestValidateAttrsIsValidate: an account validated from its attributes
// (the pre-pass of a batch of new accounts) gets ValidateResource's
// diagnostics for its object, every rule's error and warning among them;
// another type is declined.
func TestValidateAttrsIsValidate(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1", "key")
	s := cty.StringVal
	configs := map[string]cty.Value{
		"valid":             account(ani()),
		"empty username":    account(with(ani(), map[string]cty.Value{attrUsername: s("")})),
		"bad e-mail":        account(with(ani(), map[string]cty.Value{attrEmail: s("not-an-email")})),
		"bad phone":         account(with(ani(), map[string]cty.Value{attrPhoneNumber: s("0812")})),
		"landline":          account(with(ani(), map[string]cty.Value{attrPhoneNumber: s("62215551234")})),
		"unknown e-mail":    account(with(ani(), map[string]cty.Value{attrEmail: cty.UnknownVal(cty.String)})),
		"bad registration":  account(with(ani(), map[string]cty.Value{attrRegistration: s("walk-in")})),
		"internal, mode":    account(with(ani(), map[string]cty.Value{attrRegistration: s(registrationInternal), attrMode: s("OTP")})),
		"internal no phone": account(with(ani(), map[string]cty.Value{attrRegistration: s(registrationInternal), attrPhoneNumber: cty.NullVal(cty.String)})),
		"onapps":            account(with(ani(), map[string]cty.Value{attrPlatform: s("ONAPPS")})),
		"no profile":        account(with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)})),
		"bad profile": account(with(ani(), map[string]cty.Value{attrBasicProfile: profileVal(map[string]cty.Value{
			attrDateOfBirth: s("2999-01-01"), attrGender: s("X"), attrPhoneNumber: s("12"), attrProfileImg: s("nowhere.jpg")})})),
	}
	for name, cfg := range configs {
		req := providers.ValidateRequest{Type: accountType, Addr: `usapi_account.a["ani"]`, Config: cfg}
		want := p.ValidateResource(req)
		req.Config = cty.NilVal
		got, ok := p.ValidateResourceAttrs(req, attrsOf{cfg})
		if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: ValidateResourceAttrs %v, %v; ValidateResource %v", name, got, ok, want)
		}
		if name != "valid" && name != "no profile" && name != "unknown e-mail" && len(want) == 0 {
			t.Errorf("%s: no diagnostic: the case tests nothing", name)
		}
	}
	if _, ok := p.ValidateResourceAttrs(providers.ValidateRequest{Type: emailType}, attrsOf{cty.EmptyObjectVal}); ok {
		t.Error("the e-mail data source's type was not declined")
	}
}
