package state_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// when is the time every fixture uses.
var when = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// fixtureState is the state of testdata/v1.state.json: index keys of both
// kinds, a resource without one, a pending intent, and outputs.
func fixtureState() *state.State {
	s := &state.State{Version: state.Version, Serial: 7, Lineage: "3f0c2a1e-5b7d-4c9e-8a61-2d4f6b8c0e1a",
		Resources: map[string]*state.Resource{}, Outputs: map[string]*state.Output{}}
	s.Apply(state.Update{Set: []*state.Resource{
		res(`usapi_account.hire["ani"]`, "usapi_account", "hire", `"ani"`, `{"username":"ani","email":"ani@example.id","password_digest":"hmac-sha256:9f2c"}`),
		res(`usapi_account.hire["budi"]`, "usapi_account", "hire", `"budi"`, `{"username":"budi","email":"budi@example.id"}`),
		res(`usapi_account.admin`, "usapi_account", "admin", ``, `{"username":"admin"}`),
		res(`proofylink_verification.check[0]`, "proofylink_verification", "check", `0`, `{"reference_code":"EMP-0001","status":"completed","credibility_score":87}`),
		pending(res(`proofylink_verification.check[1]`, "proofylink_verification", "check", `1`, ``)),
	}, Outputs: map[string]*state.Output{
		"admin_username": {Value: json.RawMessage(`"admin"`), Type: json.RawMessage(`"string"`)},
		"nik":            {Value: json.RawMessage(`"3171010101010123"`), Type: json.RawMessage(`"string"`), Sensitive: true},
		"scores":         {Value: json.RawMessage(`[87]`), Type: json.RawMessage(`["list","number"]`)},
	}})
	s.Resources[`usapi_account.hire["budi"]`].SetDependencies([]string{`usapi_account.admin`})
	return s
}

func res(addr, typ, name, key, attrs string) *state.Resource {
	r := (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: typ, Name: name, Provider: typ[:bytes.IndexByte([]byte(typ), '_')]}).WithUpdatedAt(when)
	if key != "" {
		r.SetIndexKey(json.RawMessage(key))
	}
	if attrs != "" {
		r.SetAttributes(json.RawMessage(attrs))
	}
	return r
}

func pending(r *state.Resource) *state.Resource {
	r.SetPending(&state.Intent{ID: "c2d9e7f0-intent", Operation: "create", Started: when, RunID: "run-42", RequestDigest: "hmac-sha256:77aa"})
	return r
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what was written\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// copyFile copies a fixture to dst, creating dst's directory, mode 0600.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// sameJSON fails unless got and want encode alike.
func sameJSON(t *testing.T, got, want *state.State) {
	t.Helper()
	g, err := got.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("states differ\ngot:\n%s\nwant:\n%s", g, w)
	}
}
