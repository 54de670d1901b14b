package usapi

import (
	"context"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
)

// priorOf is the state a successful create of attrs leaves.
func priorOf(t *testing.T, p *Provider, attrs map[string]cty.Value) cty.Value {
	t.Helper()
	want, diags := p.cfg.Load().desired(account(attrs))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return withComputed(want, cty.StringVal("2026-02-11T08:00:00Z"), cty.True)
}

func plan(p *Provider, config, prior cty.Value) providers.PlanResponse {
	return p.PlanResource(context.Background(), providers.PlanRequest{Type: accountType, Addr: "usapi_account.a", Config: config, Prior: prior})
}

func TestPlanCreate(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	resp := plan(p, account(ani()), cty.NullVal(accountTy))
	if len(resp.Diagnostics) != 0 {
		t.Fatal(resp.Diagnostics)
	}
	if !strings.Contains(resp.Reason, "already has") || !strings.Contains(resp.Reason, "daftar import") {
		t.Errorf("reason %q does not say what becomes of an account USAPI already has", resp.Reason)
	}
	got := resp.Planned
	if pw := got.GetAttr(attrPassword).AsString(); !strings.HasPrefix(pw, "hmac-sha256:") || strings.Contains(pw, "s3cret") {
		t.Errorf("planned password = %q, want its digest", pw)
	}
	if got.GetAttr(attrRegistration).AsString() != "signup" || got.GetAttr(attrID).AsString() != "ani" {
		t.Errorf("planned registration/id = %#v/%#v", got.GetAttr(attrRegistration), got.GetAttr(attrID))
	}
	if got.GetAttr(attrRegisteredAt).IsKnown() || got.GetAttr(attrEmailRegistered).IsKnown() {
		t.Errorf("registered_at and email_registered of a signup should be known after apply")
	}
	sha := got.GetAttr(attrBasicProfile).GetAttr(attrProfileImgSHA)
	if !sha.IsKnown() || !strings.HasPrefix(sha.AsString(), "hmac-sha256:") {
		t.Errorf("planned profile_img_sha256 = %#v", sha)
	}
}

func TestPlanInternalKnowsEmailRegistered(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	config := account(with(ani(), map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrMode: cty.NullVal(cty.String), attrPlatform: cty.NullVal(cty.String)}))
	if got := plan(p, config, cty.NullVal(accountTy)).Planned.GetAttr(attrEmailRegistered); !got.RawEquals(cty.True) {
		t.Fatalf("email_registered = %#v, want true", got)
	}
}

func TestPlanChanges(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	prior := priorOf(t, p, ani())
	profile := ani()[attrBasicProfile].AsValueMap()
	tests := map[string]struct {
		changes     map[string]cty.Value
		replace     bool
		update      bool   // planned differs from prior, in place
		errorAt     string // attribute with an error diagnostic
		warningWord string
	}{
		"no change":             {},
		"profile gender":        {changes: map[string]cty.Value{attrBasicProfile: profileVal(with(profile, map[string]cty.Value{attrGender: cty.StringVal("Laki-Laki")}))}, update: true},
		"profile image dropped": {changes: map[string]cty.Value{attrBasicProfile: profileVal(with(profile, map[string]cty.Value{attrProfileImg: cty.NullVal(cty.String)}))}, update: true},
		"profile removed":       {changes: map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)}, update: true, warningWord: "no endpoint to clear"},
		"username":              {changes: map[string]cty.Value{attrUsername: cty.StringVal("ani2")}, replace: true},
		"username and email":    {changes: map[string]cty.Value{attrUsername: cty.StringVal("ani2"), attrEmail: cty.StringVal("ani2@example.co.id")}, replace: true},
		"unknown username":      {changes: map[string]cty.Value{attrUsername: cty.UnknownVal(cty.String)}, replace: true},
		"password":              {changes: map[string]cty.Value{attrPassword: cty.StringVal("another")}, errorAt: attrPassword},
		"email":                 {changes: map[string]cty.Value{attrEmail: cty.StringVal("ani.p@example.co.id")}, errorAt: attrEmail},
		"phone":                 {changes: map[string]cty.Value{attrPhoneNumber: cty.StringVal("6281299999999")}, errorAt: attrPhoneNumber},
		"first name":            {changes: map[string]cty.Value{attrFirstName: cty.StringVal("Anita")}, errorAt: attrFirstName},
		"last name":             {changes: map[string]cty.Value{attrLastName: cty.StringVal("P")}, errorAt: attrLastName},
		"mode":                  {changes: map[string]cty.Value{attrMode: cty.StringVal("OTP")}, errorAt: attrMode},
		"platform":              {changes: map[string]cty.Value{attrPlatform: cty.NullVal(cty.String)}, errorAt: attrPlatform},
		"registration":          {changes: map[string]cty.Value{attrRegistration: cty.StringVal("internal")}, errorAt: attrRegistration},
		"registration spelled":  {changes: map[string]cty.Value{attrRegistration: cty.StringVal("signup")}},
		"unknown email skipped": {changes: map[string]cty.Value{attrEmail: cty.UnknownVal(cty.String)}, update: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resp := plan(p, account(with(ani(), tt.changes)), prior)
			if got := len(resp.RequiresReplace) > 0; got != tt.replace {
				t.Fatalf("replace = %v, want %v", got, tt.replace)
			}
			if tt.errorAt != "" {
				if !hasDiag(resp.Diagnostics, providers.Error, attrPath(tt.errorAt), "cannot change") {
					t.Fatalf("got %v, want an error at %s", resp.Diagnostics, tt.errorAt)
				}
				assertNoSecret(t, diagText(resp.Diagnostics), "another", "s3cret-Pa55")
				return
			}
			if resp.Diagnostics.HasErrors() {
				t.Fatal(resp.Diagnostics)
			}
			if tt.warningWord != "" && !hasDiag(resp.Diagnostics, providers.Warning, attrPath(attrBasicProfile), tt.warningWord) {
				t.Fatalf("got %v, want a warning", resp.Diagnostics)
			}
			if tt.replace {
				return
			}
			if same := resp.Planned.RawEquals(prior); same == tt.update {
				t.Fatalf("planned equals prior = %v, want %v\nplanned %#v\nprior   %#v", same, !tt.update, resp.Planned, prior)
			}
		})
	}
}

func TestPlanImageContentChange(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	prior := priorOf(t, p, ani())
	writeFile(t, p.cfg.Load().baseDir+"/photo.jpg", "another picture")
	resp := plan(p, account(ani()), prior)
	if resp.Diagnostics.HasErrors() || len(resp.RequiresReplace) > 0 {
		t.Fatalf("diags %v, replace %v", resp.Diagnostics, resp.RequiresReplace)
	}
	if resp.Planned.RawEquals(prior) {
		t.Fatal("a new image content should update the profile")
	}
}

func TestPlanMissingImage(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	profile := profileVal(with(ani()[attrBasicProfile].AsValueMap(), map[string]cty.Value{attrProfileImg: cty.StringVal("gone.jpg")}))
	resp := plan(p, account(with(ani(), map[string]cty.Value{attrBasicProfile: profile})), cty.NullVal(accountTy))
	if !hasDiag(resp.Diagnostics, providers.Error, attrPath(attrBasicProfile, attrProfileImg), "does not exist") {
		t.Fatalf("got %v", resp.Diagnostics)
	}
}

func TestPlanWrongType(t *testing.T) {
	p := testProvider(t, "http://127.0.0.1:1/usapi", "k")
	resp := p.PlanResource(context.Background(), providers.PlanRequest{Type: emailType, Config: cty.EmptyObjectVal, Prior: cty.NullVal(cty.EmptyObject)})
	if !hasDiag(resp.Diagnostics, providers.Error, nil, "data source") {
		t.Fatalf("got %v", resp.Diagnostics)
	}
}

func TestUnconfigured(t *testing.T) {
	resp := New().PlanResource(context.Background(), providers.PlanRequest{Type: accountType, Config: account(ani()), Prior: cty.NullVal(accountTy)})
	if !hasDiag(resp.Diagnostics, providers.Error, nil, "not configured") {
		t.Fatalf("got %v", resp.Diagnostics)
	}
}

func TestConfigureRejectsBadEndpoint(t *testing.T) {
	for _, endpoint := range []string{"", "usapi.example.id", "ftp://x", "http://"} {
		diags := New().Configure(context.Background(), providers.ConfigureRequest{
			Config:   cty.ObjectVal(map[string]cty.Value{"endpoint": cty.StringVal(endpoint), "basic_auth": cty.NullVal(cty.String), "rate_limit": cty.NullVal(cty.Number)}),
			Endpoint: endpoint, Digester: nil,
		})
		if !hasDiag(diags, providers.Error, cty.GetAttrPath("endpoint"), "base URL") {
			t.Errorf("endpoint %q: got %v", endpoint, diags)
		}
	}
}

func TestConfigureRejectsControlCharactersInBasicAuth(t *testing.T) {
	diags := New().Configure(context.Background(), providers.ConfigureRequest{
		Config:   cty.ObjectVal(map[string]cty.Value{"endpoint": cty.StringVal("http://x"), "basic_auth": cty.StringVal("ab\ncd"), "rate_limit": cty.NullVal(cty.Number)}),
		Endpoint: "http://x", Digester: secrets.NewDigester([]byte("k")),
	})
	if !hasDiag(diags, providers.Error, cty.GetAttrPath("basic_auth"), "control character") || contains(diagText(diags), "ab\ncd") {
		t.Fatalf("got %v", diags)
	}
}
