package command

import (
	"encoding/json"
	"testing"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
)

// TestResourceViewHidesRecordedPaths checks that a path the state recorded
// as sensitive is hidden beside the schema's own.
func TestResourceViewHidesRecordedPaths(t *testing.T) {
	r := (&state.Resource{Address: `usapi_account.hire["ani"]`}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}).WithSensitivePaths([][]any{{"first_name"}}).WithAttributes(json.RawMessage(`{"username":"ani","first_name":"Rahasiawati"}`))
	schemas := schemasOf()
	bare, err := resourceView((&state.Resource{Address: r.Address}).WithKind(state.Kind{Type: r.Type(), Provider: r.Provider()}).WithAttributes(backendtest.AttrsOf(r)), schemas)
	if err != nil {
		t.Fatal(err)
	}
	base := len(bare.Sensitive)
	v, err := resourceView(r, schemas)
	if err != nil {
		t.Fatal(err)
	}
	if v.Value == cty.NilVal {
		t.Fatal("resourceView did not decode the attributes with the usapi_account schema")
	}
	if got := v.Value.GetAttr("username"); !got.RawEquals(cty.StringVal("ani")) {
		t.Fatalf("username decoded as %#v", got)
	}
	if len(v.Sensitive) != base+1 || !v.Sensitive[len(v.Sensitive)-1].Equals(cty.GetAttrPath("first_name")) {
		t.Fatalf("sensitive paths %#v, want the schema's %d and first_name", v.Sensitive, base)
	}
}
