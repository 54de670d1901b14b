package usapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// TestCreateRecordIsDesiredWithAnswer: the record a create answers is
// built in one object; it must be the one desired(config) describes with
// registered_at, email_registered and the basic profile set as the
// registration and the profile's request told: for a signup and an
// internal registration, with and without a basic profile (and its image).
func TestCreateRecordIsDesiredWithAnswer(t *testing.T) {
	p, _ := sandboxProvider(t)
	c, diags := p.configured()
	if diags.HasErrors() {
		t.Fatal(diagText(diags))
	}
	registeredAt := cty.StringVal(testNow.UTC().Format(time.RFC3339))
	for i, tc := range []struct {
		registration string
		profile      bool
	}{{registrationSignup, true}, {registrationSignup, false}, {registrationInternal, true}, {registrationInternal, false}} {
		t.Run(fmt.Sprintf("%s, profile %v", tc.registration, tc.profile), func(t *testing.T) {
			name := fmt.Sprintf("ani%d", i)
			attrs := with(ani(), map[string]cty.Value{
				attrUsername: cty.StringVal(name), attrEmail: cty.StringVal(name + "@example.co.id"), attrPhoneNumber: cty.StringVal(fmt.Sprintf("62812345678%02d", i)),
				attrRegistration: cty.StringVal(tc.registration),
			})
			if !tc.profile {
				attrs[attrBasicProfile] = cty.NullVal(profileTy)
			}
			config := account(attrs)
			want, diags := c.desired(config)
			if diags.HasErrors() {
				t.Fatal(diagText(diags))
			}
			wantProfile := want.GetAttr(attrBasicProfile)
			want = withAttrs(want, map[string]cty.Value{attrRegisteredAt: registeredAt,
				attrEmailRegistered: cty.BoolVal(tc.registration == registrationInternal || tc.profile),
				attrBasicProfile:    wantProfile})
			got := p.ApplyResource(context.Background(), providers.ApplyRequest{Type: accountType, Addr: "usapi_account." + name,
				Operation: providers.Create, Config: config, Prior: cty.NullVal(accountTy)})
			if got.Diagnostics.HasErrors() {
				t.Fatal(diagText(got.Diagnostics))
			}
			if !got.NewState.Type().Equals(want.Type()) || !got.NewState.RawEquals(want) {
				t.Errorf("record\n%#v\nwant\n%#v", got.NewState, want)
			}
		})
	}
}
