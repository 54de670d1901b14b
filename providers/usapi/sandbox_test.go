package usapi

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
)

func TestRoundTripNoPerpetualDiff(t *testing.T) {
	internal := with(ani(), map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrMode: cty.NullVal(cty.String), attrPlatform: cty.NullVal(cty.String)})
	noProfile := with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)})
	for name, attrs := range map[string]map[string]cty.Value{"signup with profile": ani(), "internal": internal, "no profile": noProfile} {
		t.Run(name, func(t *testing.T) {
			p, base := sandboxProvider(t)
			ctx := context.Background()
			config := account(attrs)
			planned, applied := planApply(t, p, "usapi_account.a", config)
			if len(applied.Diagnostics) != 0 || applied.Uncertain {
				t.Fatalf("apply: %v (uncertain %v)", applied.Diagnostics, applied.Uncertain)
			}
			assertConforms(t, planned.Planned, applied.NewState)
			read := p.ReadResource(ctx, providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: applied.NewState})
			if len(read.Diagnostics) != 0 || read.NewState.IsNull() {
				t.Fatalf("refresh: %v, null %v", read.Diagnostics, read.NewState.IsNull())
			}
			again := plan(p, config, read.NewState)
			if len(again.Diagnostics) != 0 || len(again.RequiresReplace) != 0 || !again.Planned.RawEquals(read.NewState) {
				t.Fatalf("second plan is not a no-op: %v\nplanned %#v\nstate   %#v", again.Diagnostics, again.Planned, read.NewState)
			}
			if _, ok := sandboxAccounts(t, base)["ani"]; !ok {
				t.Fatal("the sandbox has no account ani")
			}
			assertNoSecret(t, applied.NewState.GoString(), "s3cret-Pa55")
		})
	}
}

// assertConforms checks that every known part of planned equals got.
func assertConforms(t *testing.T, planned, got cty.Value) {
	t.Helper()
	for name := range accountTy.AttributeTypes() {
		pv, gv := planned.GetAttr(name), got.GetAttr(name)
		if pv.IsWhollyKnown() && !pv.RawEquals(gv) {
			t.Errorf("%s: planned %#v, applied %#v", name, pv, gv)
		}
		if !gv.IsWhollyKnown() {
			t.Errorf("%s: applied value not known: %#v", name, gv)
		}
	}
}

func TestApplyStoresProfileAtSandbox(t *testing.T) {
	p, base := sandboxProvider(t)
	_, applied := planApply(t, p, "usapi_account.a", account(ani()))
	if len(applied.Diagnostics) != 0 {
		t.Fatal(applied.Diagnostics)
	}
	a := sandboxAccounts(t, base)["ani"]
	bp, _ := a["basic_profile"].(map[string]any)
	if bp == nil || bp["gender"] != "Perempuan" || bp["date_of_birth"] != "1996-10-18" || bp["profile_img_sha256"] == "" || a["mode"] != "LINK" || a["platform"] != "ONMART" {
		t.Fatalf("sandbox account = %v", a)
	}
	if got := applied.NewState.GetAttr(attrRegisteredAt).AsString(); got != testNow.Format(time.RFC3339) {
		t.Errorf("registered_at = %s", got)
	}
}

func TestUpdateProfileInPlace(t *testing.T) {
	p, base := sandboxProvider(t)
	ctx := context.Background()
	_, applied := planApply(t, p, "usapi_account.a", account(ani()))
	changed := account(with(ani(), map[string]cty.Value{attrBasicProfile: profileVal(with(ani()[attrBasicProfile].AsValueMap(), map[string]cty.Value{attrGender: cty.StringVal("Laki-Laki"), attrProfileImg: cty.NullVal(cty.String)}))}))
	resp := plan(p, changed, applied.NewState)
	if len(resp.Diagnostics) != 0 || len(resp.RequiresReplace) != 0 {
		t.Fatal(resp.Diagnostics, resp.RequiresReplace)
	}
	upd := p.ApplyResource(ctx, providers.ApplyRequest{Type: accountType, Addr: "usapi_account.a", Operation: providers.Update, Config: changed, Prior: applied.NewState, Planned: resp.Planned})
	if len(upd.Diagnostics) != 0 || !upd.NewState.RawEquals(resp.Planned) {
		t.Fatalf("update: %v\n%#v\n%#v", upd.Diagnostics, upd.NewState, resp.Planned)
	}
	if g := sandboxAccounts(t, base)["ani"]["basic_profile"].(map[string]any)["gender"]; g != "Laki-Laki" {
		t.Fatalf("sandbox gender = %v", g)
	}
	if again := plan(p, changed, upd.NewState); !again.Planned.RawEquals(upd.NewState) {
		t.Fatal("plan after update is not a no-op")
	}
}

func TestRegistrationRefusals(t *testing.T) {
	budi := map[string]cty.Value{attrUsername: cty.StringVal("budi"), attrEmail: cty.StringVal("budi@example.co.id"), attrPhoneNumber: cty.StringVal("6281200000001"), attrBasicProfile: cty.NullVal(profileTy)}
	tests := map[string]struct {
		registration string
		changes      map[string]cty.Value
		path         cty.Path
		message      string
	}{
		"signup username":    {"signup", map[string]cty.Value{attrUsername: cty.StringVal("ani")}, attrPath(attrUsername), "Username already exist"},
		"signup email":       {"signup", map[string]cty.Value{attrEmail: cty.StringVal("ani@example.co.id")}, attrPath(attrEmail), "Email already exist"},
		"signup phone":       {"signup", map[string]cty.Value{attrPhoneNumber: cty.StringVal("6281234567890")}, attrPath(attrPhoneNumber), "Phone number already exist"},
		"internal username":  {"internal", map[string]cty.Value{attrUsername: cty.StringVal("ani")}, attrPath(attrUsername), "Username already exist"},
		"internal email":     {"internal", map[string]cty.Value{attrEmail: cty.StringVal("ani@example.co.id")}, attrPath(attrEmail), "Email already exist"},
		"internal phone":     {"internal", map[string]cty.Value{attrPhoneNumber: cty.StringVal("6281234567890")}, attrPath(attrPhoneNumber), "Phone number already exist"},
		"signup bad phone":   {"signup", map[string]cty.Value{attrPhoneNumber: cty.StringVal("0812345678")}, attrPath(attrPhoneNumber), "Please use the format: 628XXXXXXXXX"},
		"internal bad phone": {"internal", map[string]cty.Value{attrPhoneNumber: cty.StringVal("0812345678")}, attrPath(attrPhoneNumber), "Invalid phone number format"},
		"bad email":          {"signup", map[string]cty.Value{attrEmail: cty.StringVal("budi")}, attrPath(attrEmail), "email"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, _ := sandboxProvider(t)
			if _, first := planApply(t, p, "usapi_account.ani", account(ani())); len(first.Diagnostics) != 0 {
				t.Fatal(first.Diagnostics)
			}
			attrs := with(with(ani(), budi), tt.changes)
			if tt.registration == "internal" {
				attrs = with(attrs, map[string]cty.Value{attrRegistration: cty.StringVal("internal"), attrMode: cty.NullVal(cty.String), attrPlatform: cty.NullVal(cty.String)})
			}
			config := account(attrs)
			resp := p.ApplyResource(context.Background(), providers.ApplyRequest{Type: accountType, Addr: "usapi_account.budi", Operation: providers.Create, Config: config, Prior: cty.NullVal(accountTy)})
			if resp.Uncertain || !resp.NewState.IsNull() {
				t.Fatalf("uncertain %v, state %#v", resp.Uncertain, resp.NewState)
			}
			if !hasDiag(resp.Diagnostics, providers.Error, tt.path, tt.message) {
				t.Fatalf("got %v, want an error at %#v with %q", resp.Diagnostics, tt.path, tt.message)
			}
			d := resp.Diagnostics[0].Detail
			for _, part := range []string{"usapi_account.budi", "/usapi/", "400"} {
				if !contains(d, part) {
					t.Errorf("detail %q lacks %q", d, part)
				}
			}
			assertNoSecret(t, d, "s3cret-Pa55", sandbox.USAPIKey)
		})
	}
}

func TestRegistrationNeedsBasicAuth(t *testing.T) {
	base := startSandbox(t, sandbox.Options{})
	for key, want := range map[string]string{"": "Missing basic_auth", "wrong-key": "refused basic_auth"} {
		p := testProvider(t, base+"/usapi", key)
		_, resp := planApply(t, p, "usapi_account.a", account(ani()))
		if resp.Uncertain || !resp.NewState.IsNull() || !hasDiag(resp.Diagnostics, providers.Error, nil, want) {
			t.Fatalf("key %q: %v", key, resp.Diagnostics)
		}
		assertNoSecret(t, diagText(resp.Diagnostics), "wrong-key")
	}
}

func TestUncertainRegistration(t *testing.T) {
	for name, opts := range map[string]sandbox.Options{
		"dropped after acting": {DropRate: 1, Seed: 1},
		"500":                  {ErrorRate: 1, Seed: 1},
	} {
		t.Run(name, func(t *testing.T) {
			base := startSandbox(t, opts)
			p := testProvider(t, base+"/usapi", sandbox.USAPIKey)
			_, resp := planApply(t, p, "usapi_account.a", account(ani()))
			if !resp.Uncertain || !resp.NewState.IsNull() || !hasDiag(resp.Diagnostics, providers.Error, nil, "outcome unknown") {
				t.Fatalf("uncertain %v: %v", resp.Uncertain, resp.Diagnostics)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	p, _ := sandboxProvider(t)
	ctx := context.Background()
	resolve := func(config cty.Value) providers.ResolveResponse {
		return p.ResolveResource(ctx, providers.ResolveRequest{Type: accountType, Addr: "usapi_account.a", Config: config, Started: testNow})
	}
	if got := resolve(account(ani())); got.Resolution != providers.NotCreated {
		t.Fatalf("before registration: %v %q %v", got.Resolution, got.Message, got.Diagnostics)
	}
	if _, applied := planApply(t, p, "usapi_account.a", account(ani())); len(applied.Diagnostics) != 0 {
		t.Fatal(applied.Diagnostics)
	}
	got := resolve(account(ani()))
	if got.Resolution != providers.Adopted || got.Message != "adopted account ani created by an interrupted apply" || len(got.Diagnostics) != 0 {
		t.Fatalf("after registration: %v %q %v", got.Resolution, got.Message, got.Diagnostics)
	}
	if !got.NewState.GetAttr(attrBasicProfile).IsNull() || got.NewState.GetAttr(attrPassword).AsString() == "s3cret-Pa55" {
		t.Fatalf("adopted state %#v", got.NewState)
	}
	// Someone else's account holds the e-mail: another username cannot log in.
	other := resolve(account(with(ani(), map[string]cty.Value{attrUsername: cty.StringVal("ani2")})))
	if other.Resolution != providers.Undecided || !contains(other.Message, "another account") {
		t.Fatalf("other's e-mail: %v %q", other.Resolution, other.Message)
	}
	assertNoSecret(t, other.Message, "s3cret-Pa55")
}

func TestImport(t *testing.T) {
	p, _ := sandboxProvider(t)
	ctx := context.Background()
	if _, applied := planApply(t, p, "usapi_account.a", account(ani())); len(applied.Diagnostics) != 0 {
		t.Fatal(applied.Diagnostics)
	}
	imp := func(id string, config cty.Value) providers.ImportResponse {
		return p.ImportResource(ctx, providers.ImportRequest{Type: accountType, Addr: "usapi_account.a", ID: id, Config: config})
	}
	got := imp("ani", account(ani()))
	if len(got.Diagnostics) != 0 || got.NewState.IsNull() {
		t.Fatal(got.Diagnostics)
	}
	if !got.NewState.GetAttr(attrRegisteredAt).IsNull() || !got.NewState.GetAttr(attrBasicProfile).IsNull() {
		t.Errorf("imported state %#v", got.NewState)
	}
	// The next plan sets the profile in place, with no error.
	if next := plan(p, account(ani()), got.NewState); next.Diagnostics.HasErrors() || len(next.RequiresReplace) > 0 || next.Planned.RawEquals(got.NewState) {
		t.Errorf("plan after import: %v", next.Diagnostics)
	}
	tests := map[string]struct {
		id     string
		config cty.Value
		path   cty.Path
		want   string
	}{
		"no configuration": {"ani", cty.NullVal(accountTy), nil, "needs its resource block"},
		"id differs":       {"budi", account(ani()), attrPath(attrUsername), "Make them the same"},
		"wrong password":   {"ani", account(with(ani(), map[string]cty.Value{attrPassword: cty.StringVal("wrong-pass")})), attrPath(attrPassword), "current password"},
		"unknown user":     {"nobody", account(with(ani(), map[string]cty.Value{attrUsername: cty.StringVal("nobody")})), attrPath(attrPassword), "exists at this endpoint"},
		"other e-mail":     {"ani", account(with(ani(), map[string]cty.Value{attrEmail: cty.StringVal("ani.other@example.co.id")})), attrPath(attrEmail), "another e-mail"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := imp(tt.id, tt.config)
			if !got.NewState.IsNull() || !hasDiag(got.Diagnostics, providers.Error, tt.path, tt.want) {
				t.Fatalf("got %v", got.Diagnostics)
			}
			assertNoSecret(t, diagText(got.Diagnostics), "wrong-pass", "s3cret-Pa55")
		})
	}
}

func TestEmailDataSource(t *testing.T) {
	p, _ := sandboxProvider(t)
	ctx := context.Background()
	read := func(email string) providers.ReadDataResponse {
		config := cty.ObjectVal(map[string]cty.Value{attrEmail: cty.StringVal(email), attrRegistered: cty.NullVal(cty.Bool)})
		return p.ReadData(ctx, providers.ReadDataRequest{Type: emailType, Addr: "data.usapi_email.e", Config: config})
	}
	if got := read("ani@example.co.id"); len(got.Diagnostics) != 0 || !got.State.GetAttr(attrRegistered).RawEquals(cty.False) {
		t.Fatalf("before: %v %#v", got.Diagnostics, got.State)
	}
	planApply(t, p, "usapi_account.a", account(ani()))
	if got := read("ani@example.co.id"); len(got.Diagnostics) != 0 || !got.State.GetAttr(attrRegistered).RawEquals(cty.True) {
		t.Fatalf("after: %v %#v", got.Diagnostics, got.State)
	}
	if got := read("nope"); !hasDiag(got.Diagnostics, providers.Error, attrPath(attrEmail), "e-mail") {
		t.Fatalf("bad e-mail: %v", got.Diagnostics)
	}
}

// An account USAPI was seen to know, which /check/email now says is not
// registered, is kept (the next plan does not register it again), with a
// warning saying what to do if it was deleted.
func TestRefreshKeepsAccountSeenRegistered(t *testing.T) {
	p, _ := sandboxProvider(t)
	prior := priorOf(t, p, ani()) // registered (email_registered true) but the sandbox is empty
	got := p.ReadResource(context.Background(), providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: prior, Full: true})
	if !got.NewState.RawEquals(prior) || !hasDiag(got.Diagnostics, providers.Warning, nil, "daftar state rm usapi_account.a") {
		t.Fatalf("got %#v %v", got.NewState, got.Diagnostics)
	}
	if planned := plan(p, account(ani()), got.NewState); planned.Planned.IsNull() || !planned.Planned.RawEquals(prior) && len(planned.RequiresReplace) != 0 {
		t.Fatalf("the plan registers it again: %#v %v", planned.Planned, planned.RequiresReplace)
	}
}

func TestRefreshKeepsUnconfirmedSignup(t *testing.T) {
	p, _ := sandboxProvider(t)
	prior := withAttrs(priorOf(t, p, ani()), map[string]cty.Value{
		attrEmailRegistered: cty.False,
		attrRegisteredAt:    cty.StringVal(testNow.Add(-time.Hour).Format(time.RFC3339)),
	})
	got := p.ReadResource(context.Background(), providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: prior})
	if !got.NewState.RawEquals(prior) || !hasDiag(got.Diagnostics, providers.Warning, nil, "awaiting confirmation") {
		t.Fatalf("within the window: %v", got.Diagnostics)
	}
	expired := withAttrs(prior, map[string]cty.Value{attrRegisteredAt: cty.StringVal(testNow.Add(-6 * time.Hour).Format(time.RFC3339))})
	if got := p.ReadResource(context.Background(), providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: expired}); !got.NewState.IsNull() {
		t.Fatalf("after the window: %#v", got.NewState)
	}
}

// An account whose username another address of the state holds, or that
// the create replaces, is never adopted, though its e-mail is registered
// and the configured password logs in.
func TestResolveNeverAdoptsAnotherAddressAccount(t *testing.T) {
	p, _ := sandboxProvider(t)
	ctx := context.Background()
	if _, applied := planApply(t, p, "usapi_account.a", account(ani())); len(applied.Diagnostics) != 0 {
		t.Fatal(applied.Diagnostics)
	}
	resolve := func(req providers.ResolveRequest) providers.ResolveResponse {
		req.Type, req.Addr, req.Config, req.Started = accountType, "usapi_account.b", account(ani()), testNow
		return p.ResolveResource(ctx, req)
	}
	heldByA := func(id string) string {
		if id == "ani" {
			return "usapi_account.a"
		}
		return ""
	}
	held := resolve(providers.ResolveRequest{HeldBy: heldByA})
	if held.Resolution != providers.Undecided || !contains(held.Message, `it is usapi_account.a's in the state`) ||
		!contains(held.Message, "daftar import usapi_account.b ani") {
		t.Fatalf("held by another address: %v %q", held.Resolution, held.Message)
	}
	replaced := resolve(providers.ResolveRequest{Replacing: account(ani())})
	if replaced.Resolution != providers.NotCreated || !contains(replaced.Message, "the account being replaced") {
		t.Fatalf("the account replaced: %v %q", replaced.Resolution, replaced.Message)
	}
	if free := resolve(providers.ResolveRequest{HeldBy: func(string) string { return "" }}); free.Resolution != providers.Adopted {
		t.Fatalf("held by no one: %v %q", free.Resolution, free.Message)
	}
}

// A pre-existing account of someone else with the same username and the
// batch-wide initial password logs in, and the configured e-mail is
// registered (by a third account): the login token shows another e-mail,
// so the account is never adopted.
func TestResolveNeverAdoptsSameNamedAccountOfAnotherPerson(t *testing.T) {
	p, _ := sandboxProvider(t)
	ctx := context.Background()
	someoneElse := with(ani(), map[string]cty.Value{attrEmail: cty.StringVal("budi@example.co.id"), attrPhoneNumber: cty.StringVal("6281299990000"),
		attrFirstName: cty.StringVal("Budi"), attrBasicProfile: cty.NullVal(profileTy)})
	if _, applied := planApply(t, p, "usapi_account.x", account(someoneElse)); len(applied.Diagnostics) != 0 {
		t.Fatal(applied.Diagnostics)
	}
	third := with(ani(), map[string]cty.Value{attrUsername: cty.StringVal("ani-old"), attrPhoneNumber: cty.StringVal("6281277770000"), attrBasicProfile: cty.NullVal(profileTy)})
	if _, applied := planApply(t, p, "usapi_account.y", account(third)); len(applied.Diagnostics) != 0 {
		t.Fatal(applied.Diagnostics)
	}
	got := p.ResolveResource(ctx, providers.ResolveRequest{Type: accountType, Addr: "usapi_account.a", Config: account(ani()), Started: testNow})
	if got.Resolution != providers.Undecided || !got.NewState.IsNull() {
		t.Fatalf("another person's account: %v %q", got.Resolution, got.Message)
	}
	for _, want := range []string{"another e-mail", "daftar import usapi_account.a ani", "-replace=usapi_account.a"} {
		if !contains(got.Message, want) {
			t.Errorf("message %q lacks %q", got.Message, want)
		}
	}
	assertNoSecret(t, got.Message, "s3cret-Pa55")
}

func TestTokenIdentityConfirms(t *testing.T) {
	_, want := registrationOf(account(ani()))
	tok := func(payload string) string {
		return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
	}
	for _, tt := range []struct{ payload, why string }{
		{`{"user":"ani","username":"ani"}`, "does not show the account's e-mail"},
		{`{"username":"ani","email":"ANI@example.co.id","first_name":"Ani","last_name":"Putri","phone_number":"081234567890"}`, ""},
		{`{"username":"ani","email":"ani@example.co.id","phone_number":null}`, "another phone number"},
		{`{"username":"ani","email":"ani@example.co.id","last_name":"Lain"}`, "another name"},
		{`not json`, "does not show the account's e-mail"},
	} {
		if got := notConfirmed(tokenIdentityOf(tok(tt.payload)), want); (tt.why == "") != (got == "") || !contains(got, tt.why) {
			t.Errorf("%s: %q, want %q", tt.payload, got, tt.why)
		}
	}
}
