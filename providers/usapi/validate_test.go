package usapi

import (
	"fmt"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

func TestValidateAccount(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	bp := func(changes map[string]cty.Value) cty.Value {
		return profileVal(with(ani()[attrBasicProfile].AsValueMap(), changes))
	}
	tests := map[string]struct {
		changes map[string]cty.Value
		sev     providers.Severity
		path    cty.Path
		want    string // part of the diagnostic; "" means no diagnostic
	}{
		"valid":                      {nil, 0, nil, ""},
		"empty username":             {map[string]cty.Value{attrUsername: cty.StringVal("")}, providers.Error, attrPath(attrUsername), "non-empty username"},
		"empty password":             {map[string]cty.Value{attrPassword: cty.StringVal("")}, providers.Error, attrPath(attrPassword), "non-empty password"},
		"empty first name":           {map[string]cty.Value{attrFirstName: cty.StringVal("")}, providers.Error, attrPath(attrFirstName), "non-empty"},
		"bad email":                  {map[string]cty.Value{attrEmail: cty.StringVal("ani@example")}, providers.Error, attrPath(attrEmail), "name@example.co.id"},
		"phone without 62":           {map[string]cty.Value{attrPhoneNumber: cty.StringVal("081234567890")}, providers.Error, attrPath(attrPhoneNumber), "country code 62"},
		"phone too short":            {map[string]cty.Value{attrPhoneNumber: cty.StringVal("62123456")}, providers.Error, attrPath(attrPhoneNumber), "9 to 17"},
		"phone too long":             {map[string]cty.Value{attrPhoneNumber: cty.StringVal("621234567890123456")}, providers.Error, attrPath(attrPhoneNumber), "9 to 17"},
		"phone with plus":            {map[string]cty.Value{attrPhoneNumber: cty.StringVal("+6281234567")}, providers.Error, attrPath(attrPhoneNumber), "digits"},
		"landline phone warns":       {map[string]cty.Value{attrPhoneNumber: cty.StringVal("621234567891")}, providers.Warning, attrPath(attrPhoneNumber), "mobile"},
		"bad mode":                   {map[string]cty.Value{attrMode: cty.StringVal("SMS")}, providers.Error, attrPath(attrMode), `"OTP", "LINK"`},
		"bad platform":               {map[string]cty.Value{attrPlatform: cty.StringVal("ONSHOP")}, providers.Error, attrPath(attrPlatform), "ONMART"},
		"ONAPPS warns":               {map[string]cty.Value{attrPlatform: cty.StringVal("ONAPPS")}, providers.Warning, attrPath(attrPlatform), "ONAPPS"},
		"bad registration":           {map[string]cty.Value{attrRegistration: cty.StringVal("admin")}, providers.Error, attrPath(attrRegistration), `"signup", "internal"`},
		"internal with mode":         {map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrPlatform: cty.NullVal(cty.String)}, providers.Error, attrPath(attrMode), "takes no mode"},
		"internal with platform":     {map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrMode: cty.NullVal(cty.String)}, providers.Error, attrPath(attrPlatform), "takes no platform"},
		"internal without phone":     {map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrMode: cty.NullVal(cty.String), attrPlatform: cty.NullVal(cty.String), attrPhoneNumber: cty.NullVal(cty.String)}, providers.Error, attrPath(attrPhoneNumber), "requires phone_number"},
		"bad gender":                 {map[string]cty.Value{attrBasicProfile: bp(map[string]cty.Value{attrGender: cty.StringVal("laki-laki")})}, providers.Error, attrPath(attrBasicProfile, attrGender), `"Laki-Laki", "Perempuan"`},
		"date day first":             {map[string]cty.Value{attrBasicProfile: bp(map[string]cty.Value{attrDateOfBirth: cty.StringVal("18-10-1996")})}, providers.Error, attrPath(attrBasicProfile, attrDateOfBirth), "YYYY-MM-DD"},
		"date not real":              {map[string]cty.Value{attrBasicProfile: bp(map[string]cty.Value{attrDateOfBirth: cty.StringVal("1996-02-30")})}, providers.Error, attrPath(attrBasicProfile, attrDateOfBirth), "real month and day"},
		"date in future":             {map[string]cty.Value{attrBasicProfile: bp(map[string]cty.Value{attrDateOfBirth: cty.StringVal("2027-01-01")})}, providers.Error, attrPath(attrBasicProfile, attrDateOfBirth), "not in the past"},
		"profile phone":              {map[string]cty.Value{attrBasicProfile: bp(map[string]cty.Value{attrPhoneNumber: cty.StringVal("0812")})}, providers.Error, attrPath(attrBasicProfile, attrPhoneNumber), "62"},
		"missing image":              {map[string]cty.Value{attrBasicProfile: bp(map[string]cty.Value{attrProfileImg: cty.StringVal("none.jpg")})}, providers.Error, attrPath(attrBasicProfile, attrProfileImg), "does not exist"},
		"unknown values are skipped": {map[string]cty.Value{attrEmail: cty.UnknownVal(cty.String), attrPhoneNumber: cty.UnknownVal(cty.String), attrBasicProfile: cty.UnknownVal(profileTy)}, 0, nil, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			diags := p.ValidateResource(providers.ValidateRequest{Type: accountType, Addr: "usapi_account.a", Config: account(with(ani(), tt.changes))})
			if tt.want == "" {
				if len(diags) != 0 {
					t.Fatalf("got %v, want none", diags)
				}
				return
			}
			if !hasDiag(diags, tt.sev, tt.path, tt.want) {
				t.Fatalf("got %+v, want a diagnostic at %#v containing %q", diags, tt.path, tt.want)
			}
			assertNoSecret(t, diagText(diags), "s3cret-Pa55")
		})
	}
}

func TestValidateLargeImage(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	big := make([]byte, maxProfileImgBytes+1)
	writeFile(t, p.cfg.Load().baseDir+"/big.jpg", string(big))
	config := account(with(ani(), map[string]cty.Value{attrBasicProfile: profileVal(with(ani()[attrBasicProfile].AsValueMap(), map[string]cty.Value{attrProfileImg: cty.StringVal("big.jpg")}))}))
	diags := p.ValidateResource(providers.ValidateRequest{Type: accountType, Config: config})
	if !hasDiag(diags, providers.Error, attrPath(attrBasicProfile, attrProfileImg), "5 MB") {
		t.Fatalf("got %v, want the 5 MB limit", diags)
	}
}

func TestValidateEmailData(t *testing.T) {
	p := New()
	config := cty.ObjectVal(map[string]cty.Value{attrEmail: cty.StringVal("not an address"), attrRegistered: cty.NullVal(cty.Bool)})
	diags := p.ValidateResource(providers.ValidateRequest{Type: emailType, Config: config})
	if !hasDiag(diags, providers.Error, attrPath(attrEmail), "e-mail") {
		t.Fatalf("got %v", diags)
	}
}

func TestValidateConfigsDuplicates(t *testing.T) {
	p := New()
	req := func(addr string, changes map[string]cty.Value) providers.ValidateRequest {
		return providers.ValidateRequest{Type: accountType, Addr: addr, Config: account(with(ani(), changes))}
	}
	other := map[string]cty.Value{attrUsername: cty.StringVal("budi"), attrEmail: cty.StringVal("budi@example.co.id"), attrPhoneNumber: cty.StringVal("6281200000001")}
	tests := map[string]struct {
		second map[string]cty.Value
		path   cty.Path
	}{
		"username": {with(other, map[string]cty.Value{attrUsername: cty.StringVal("ani")}), attrPath(attrUsername)},
		"email":    {with(other, map[string]cty.Value{attrEmail: cty.StringVal("ANI@example.co.id")}), attrPath(attrEmail)},
		"phone":    {with(other, map[string]cty.Value{attrPhoneNumber: cty.StringVal("6281234567890")}), attrPath(attrPhoneNumber)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			diags := providers.ValidateConfigs(p, []providers.ValidateRequest{req(`usapi_account.a["ani"]`, nil), req("usapi_account.b", tt.second)})
			if len(diags) != 1 {
				t.Fatalf("got %v, want one diagnostic", diags)
			}
			d := diags[0]
			if d.Resource != "usapi_account.b" || !d.Path.Equals(tt.path) || !contains(d.Detail, `usapi_account.a["ani"]`) {
				t.Fatalf("got %+v, want an error on usapi_account.b naming the first", d)
			}
		})
	}
	t.Run("distinct", func(t *testing.T) {
		if diags := providers.ValidateConfigs(p, []providers.ValidateRequest{req("usapi_account.a", nil), req("usapi_account.b", other)}); len(diags) != 0 {
			t.Fatalf("got %v", diags)
		}
	})
	t.Run("unknown skipped", func(t *testing.T) {
		unknown := with(other, map[string]cty.Value{attrUsername: cty.UnknownVal(cty.String)})
		if diags := providers.ValidateConfigs(p, []providers.ValidateRequest{req("usapi_account.a", map[string]cty.Value{attrUsername: cty.UnknownVal(cty.String)}), req("usapi_account.b", unknown)}); len(diags) != 0 {
			t.Fatalf("got %v", diags)
		}
	})
}

// TestValidateConfigsDuplicatesAcrossFields: each field is checked on its
// own though an account's fields share one entry: each repeat names the
// first account of its own field's value, shows the value as the repeat
// wrote it (an e-mail in its own case), and an account without a field is
// no field's repeat; the errors come field by field, each in order.
func TestValidateConfigsDuplicatesAcrossFields(t *testing.T) {
	null := cty.NullVal(cty.String)
	accounts := [][3]cty.Value{ // username, e-mail, phone number
		{cty.StringVal("ani"), cty.StringVal("Ani@Example.id"), cty.StringVal("6281")},
		{cty.StringVal("budi"), cty.StringVal("ANI@example.ID"), cty.StringVal("6282")},
		{cty.StringVal("ani"), cty.StringVal("c@x.id"), null},
		{cty.StringVal("dewi"), cty.StringVal("ani@example.id"), cty.StringVal("6282")},
		{cty.StringVal("eka"), cty.StringVal(""), null},
		{cty.StringVal("fajar"), cty.StringVal("C@X.id"), cty.StringVal("6281")},
		{null, null, null},
		{cty.StringVal("gita"), null, cty.StringVal("")},
	}
	var reqs []providers.ValidateRequest
	for i, a := range accounts {
		cfg := with(ani(), map[string]cty.Value{attrUsername: a[0], attrEmail: a[1], attrPhoneNumber: a[2]})
		reqs = append(reqs, providers.ValidateRequest{Type: accountType, Addr: fmt.Sprint("usapi_account.a", i), Config: account(cfg)})
	}
	username, email, phone := uniqueFields[0], uniqueFields[1], uniqueFields[2]
	want := providers.Diagnostics{
		duplicate("usapi_account.a2", "usapi_account.a0", username, "ani"),
		duplicate("usapi_account.a1", "usapi_account.a0", email, "ANI@example.ID"),
		duplicate("usapi_account.a3", "usapi_account.a0", email, "ani@example.id"),
		duplicate("usapi_account.a5", "usapi_account.a2", email, "C@X.id"),
		duplicate("usapi_account.a3", "usapi_account.a1", phone, "6282"),
		duplicate("usapi_account.a5", "usapi_account.a0", phone, "6281"),
	}
	got := providers.ValidateConfigs(New(), reqs)
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Resource != w.Resource || g.Summary != w.Summary || g.Detail != w.Detail || !g.Path.Equals(w.Path) || g.Severity != w.Severity {
			t.Errorf("diagnostic %d:\n%+v\nwant\n%+v", i, g, w)
		}
	}
}
