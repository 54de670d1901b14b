package planner_test

import (
	"encoding/json"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
)

// TestMovedRecordKind: a record moved to another resource (state mv, a
// moved block) is given that resource's name and type, and its module and
// key; the record it was copied from, and the records that share its Kind,
// keep theirs (a Kind is shared, never changed).
func TestMovedRecordKind(t *testing.T) {
	kind := state.Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}
	r := (&state.Resource{Address: `usapi_account.hire["ani"]`}).WithKind(kind).WithIndexKey(json.RawMessage(`"ani"`)).WithAttributes(json.RawMessage(`{"username":"ani"}`))
	other := (&state.Resource{Address: `usapi_account.hire["budi"]`}).WithKind(kind).WithIndexKey(json.RawMessage(`"budi"`))
	for to, want := range map[string]state.Kind{
		`usapi_account.staff["ani"]`:                    {Mode: "managed", Type: "usapi_account", Name: "staff", Provider: "usapi"},
		`module.m["x"].usapi_account.this`:              {Mode: "managed", Type: "usapi_account", Name: "this", Provider: "usapi"},
		`usapi_account.hire["ani2"]`:                    kind,
		`module.m["x"].usapi_account.hire["ani"]`:       kind,
		`module.m["x"].module.n.usapi_account.other[3]`: {Mode: "managed", Type: "usapi_account", Name: "other", Provider: "usapi"},
	} {
		inst, err := addrs.ParseInstance(to)
		if err != nil {
			t.Fatal(err)
		}
		c := planner.MovedRecord(r, inst)
		if c.Address != to || c.Kind() != want || c.Name() != want.Name || c.Module() != inst.ModuleInstance() {
			t.Errorf("moved to %s: %s %+v in %q", to, c.Address, c.Kind(), c.Module())
		}
		if r.Kind() != kind || other.Kind() != kind || r.Address != `usapi_account.hire["ani"]` || string(r.IndexKey()) != `"ani"` {
			t.Fatalf("moving to %s changed the record moved (%+v) or another of its resource (%+v)", to, r.Kind(), other.Kind())
		}
	}
}
