package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// recordFields is every field of a record as its readers see it, for
// comparing a record with what a write and a load made of it.
func recordFields(t *testing.T, r *Resource) map[string]any {
	t.Helper()
	attrs, err := r.Attributes()
	if err != nil {
		t.Fatal(err)
	}
	at := r.UpdatedAt()
	return map[string]any{
		"address": r.Address, "module": r.Module(), "mode": r.Mode(), "type": r.Type(), "name": r.Name(),
		"index_key": string(r.IndexKey()), "provider": r.Provider(), "attributes": string(attrs),
		"sensitive_paths": fmt.Sprint(r.SensitivePaths()), "config_digest": r.ConfigDigest(), "settled": r.Settled,
		"dependencies": fmt.Sprintf("%q", r.Dependencies()), "pending": fmt.Sprintf("%+v", r.Pending()),
		// The time's instant, its zone as written, and its text.
		"updated_at": fmt.Sprint(at.UnixNano(), at.IsZero(), at.Format(time.RFC3339Nano)),
	}
}

// TestRecordRoundTrips: every field of a record, held in the record or in
// its block (more), is what it was after a write of the state and a load
// of it (the stream the CLI reads, the whole file read at once, and
// encoding/json), and after a journal entry is replayed; written again, the
// state is the same bytes.
func TestRecordRoundTrips(t *testing.T) {
	when := time.Date(2026, 12, 7, 6, 30, 0, 123456789, time.UTC)
	wib := time.Date(2026, 12, 7, 13, 30, 0, 5000, time.FixedZone("", 7*3600))
	intent := &Intent{ID: "i-1", Operation: "create", Started: when, RunID: "run-1", RequestDigest: "hmac-sha256:aa", Acknowledged: true}
	base := func(addr, key string) *Resource {
		r := (&Resource{Address: addr}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}).WithUpdatedAt(when)
		if key != "" {
			r.SetIndexKey(json.RawMessage(key))
		}
		return r.WithAttributes(json.RawMessage(`{"username":"ani","n":[1,2.5],"long":"` + string(bytes.Repeat([]byte("x"), 64)) + `"}`))
	}
	records := []*Resource{
		// A batch's record: nothing in its block.
		base(`usapi_account.person["p0000001"]`, `"p0000001"`).WithConfigDigest(testDigest),
		// Settled, with dependencies shared with another.
		func() *Resource {
			r := base(`proofylink_verification.person["p0000001"]`, `"p0000001"`).WithConfigDigest(testDigest).WithDependencies([]string{"usapi_account.person"})
			r.Settled = true
			return r
		}(),
		base(`proofylink_verification.person["p0000002"]`, `"p0000002"`).WithDependencies([]string{"usapi_account.person"}),
		// A count's key, in its address.
		base(`usapi_account.person[3]`, `3`).WithDependencies([]string{}),
		// A key its address does not spell as the JSON does.
		base(`usapi_account.person["<b>"]`, `"\u003cb\u003e"`),
		// No key at all.
		base(`usapi_account.admin`, ``),
		// A module's record.
		base(`module.hire["ani"].usapi_account.person["p"]`, `"p"`).WithModule(`module.hire["ani"]`).WithSensitivePaths([][]any{{"password"}, {"list", 0.0}}),
		// A pending intent, alone or with other fields of the block.
		base(`usapi_account.person["pending"]`, `"pending"`).WithPending(intent),
		base(`usapi_account.person["pending2"]`, `"pending2"`).WithPending(intent).WithDependencies([]string{"a.b"}).WithConfigDigest("not a digest daftar writes"),
		// Times: in another zone, the zero time, far off.
		base(`usapi_account.person["wib"]`, `"wib"`).WithUpdatedAt(wib),
		base(`usapi_account.person["zero"]`, `"zero"`).WithUpdatedAt(time.Time{}),
		base(`usapi_account.person["far"]`, `"far"`).WithUpdatedAt(time.Date(2400, 1, 1, 0, 0, 0, 1, time.UTC)),
		base(`usapi_account.person["1970"]`, `"1970"`).WithUpdatedAt(time.Unix(0, 0).UTC()),
		// A record with no attributes: only its intent.
		(&Resource{Address: `usapi_account.person["new"]`}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}).
			WithIndexKey(json.RawMessage(`"new"`)).WithPending(intent).WithUpdatedAt(when),
	}
	// What the records were given, read back from them.
	for a, at := range map[string]string{
		`usapi_account.person["p0000001"]`: "2026-12-07T06:30:00.123456789Z",
		`usapi_account.person["wib"]`:      "2026-12-07T13:30:00.000005+07:00",
		`usapi_account.person["zero"]`:     "0001-01-01T00:00:00Z",
		`usapi_account.person["far"]`:      "2400-01-01T00:00:00.000000001Z",
		`usapi_account.person["1970"]`:     "1970-01-01T00:00:00Z",
	} {
		for _, r := range records {
			if got, _ := r.UpdatedAt().MarshalJSON(); r.Address == a && string(got) != `"`+at+`"` {
				t.Errorf("%s: UpdatedAt %s, set to %s", a, got, at)
			}
		}
	}
	for _, r := range records {
		if k := string(r.IndexKey()); bytes.HasSuffix([]byte(r.Address), []byte("]")) && k == "" || r.Address == `usapi_account.person[3]` && k != "3" {
			t.Errorf("%s: IndexKey %s", r.Address, k)
		}
		if p := r.Pending(); bytes.Contains([]byte(r.Address), []byte("pending")) && (p == nil || *p != *intent) {
			t.Errorf("%s: Pending %+v", r.Address, p)
		}
	}
	want := map[string]map[string]any{}
	s := New()
	for _, r := range records {
		want[r.Address] = recordFields(t, r)
		s.Resources[r.Address] = r
		sameAsEncoder(t, r)
	}
	check := func(how string, got *State) {
		t.Helper()
		if len(got.Resources) != len(records) {
			t.Fatalf("%s: %d records, want %d", how, len(got.Resources), len(records))
		}
		for a, w := range want {
			r := got.Resources[a]
			if r == nil {
				t.Fatalf("%s: %s lost", how, a)
			}
			if g := recordFields(t, r); !reflect.DeepEqual(g, w) {
				for k := range w {
					if !reflect.DeepEqual(g[k], w[k]) {
						t.Errorf("%s: %s's %s is %v, want %v", how, a, k, g[k], w[k])
					}
				}
			}
		}
	}
	data, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := decodeState(data, "test")
	if err != nil {
		t.Fatal(err)
	}
	check("decodeState", fast)
	slow, err := decodeSlow(data)
	if err != nil {
		t.Fatal(err)
	}
	check("encoding/json", slow)
	stream, ok, _, err := decodeStream(bytes.NewReader(data), "test", 0)
	if err != nil || !ok {
		t.Fatalf("decodeStream declined (%v)", err)
	}
	check("decodeStream", stream)
	for how, got := range map[string]*State{"decodeState": fast, "encoding/json": slow, "decodeStream": stream} {
		if again, err := encodeState(got, 1); err != nil || !bytes.Equal(again, data) {
			t.Errorf("%s: written again otherwise (%v)", how, err)
		}
	}

	// Through a backend: recorded in the journal, loaded, compacted, loaded.
	l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{})
	if _, err := l.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := l.Apply(t.Context(), Update{Set: records}); err != nil {
		t.Fatal(err)
	}
	journaled, err := NewLocal(l.Path(), LocalOptions{}).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	check("journal", journaled)
	if err := l.Compact(t.Context(), journaled); err != nil {
		t.Fatal(err)
	}
	loaded, err := NewLocal(l.Path(), LocalOptions{}).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	check("snapshot", loaded)
}
