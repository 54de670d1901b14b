package backendtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

func testEmptyLoad(t *testing.T, st Store) {
	s := load(t, open(t, st))
	if s.Version != state.Version || s.Serial != 0 || s.Lineage == "" {
		t.Errorf("an empty store loads as version %d, serial %d, lineage %q; want version %d, serial 0 and a lineage",
			s.Version, s.Serial, s.Lineage, state.Version)
	}
	if len(s.Resources) != 0 || s.Resources == nil || s.Outputs == nil {
		t.Errorf("an empty store loads with resources %v and outputs %v; want empty, non-nil maps", s.Resources, s.Outputs)
	}
}

func testApplyLoad(t *testing.T, st Store) {
	b := open(t, st)
	want := load(t, b)
	apply(t, b, want, set(account("ani", `{"username":"ani"}`), account("budi", `{"username": "budi"}`)))
	sameState(t, load(t, open(t, st)), want)
}

func testApplyConcurrent(t *testing.T, st Store) {
	const workers, each = 64, 20
	b := open(t, st)
	want := load(t, b)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				r := account(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf(`{"n":%d}`, i))
				errs <- b.Apply(context.Background(), set(r))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a concurrent Apply failed: %v", err)
		}
	}
	for w := range workers {
		for i := range each {
			want.Apply(set(account(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf(`{"n":%d}`, i))))
		}
	}
	got := load(t, open(t, st))
	if len(got.Resources) != workers*each {
		t.Fatalf("loaded %d resources after %d concurrent Applys", len(got.Resources), workers*each)
	}
	sameState(t, got, want)
}

func testApplyBeforeLoad(t *testing.T, st Store) {
	first := open(t, st)
	s := load(t, first)
	apply(t, first, s, set(account("ani", `{}`)))
	compact(t, first, s)
	b := open(t, st) // a fresh handle that has not loaded
	apply(t, b, s, set(account("budi", `{}`)))
	got := load(t, open(t, st))
	sameState(t, got, s)
	if got.Serial <= s.Serial {
		t.Errorf("serial after an Apply on a fresh handle: %d, want above %d", got.Serial, s.Serial)
	}
}

func testCompactLoad(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, set(account("ani", `{"a":1}`)))
	compact(t, b, s)
	apply(t, b, s, set(account("budi", `{"b":2}`)))
	compact(t, b, s)
	got := load(t, open(t, st))
	sameState(t, got, s)
	if got.Serial != s.Serial {
		t.Errorf("serial after Compact: loaded %d, Compact set %d", got.Serial, s.Serial)
	}
}

func testCompactUnchanged(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, set(account("ani", `{}`)))
	compact(t, b, s)
	before := s.Serial
	s = load(t, open(t, st))
	compact(t, open(t, st), s)
	if s.Serial != before {
		t.Errorf("Compact of an unchanged state moved the serial from %d to %d", before, s.Serial)
	}
	if got := load(t, open(t, st)); got.Serial != before {
		t.Errorf("after Compact of an unchanged state the serial loads as %d, want %d", got.Serial, before)
	}
}

func testCompactRefusesOther(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, set(account("ani", `{}`)))
	compact(t, b, s)
	other := state.New()
	other.Apply(set(account("eve", `{}`)))
	if err := open(t, st).Compact(context.Background(), other); err == nil {
		t.Error("Compact wrote a state of another lineage over the stored one")
	}
	stale := load(t, open(t, st)) // loaded before the next change
	newer := load(t, b)
	apply(t, b, newer, set(account("budi", `{}`)))
	compact(t, b, newer)
	if err := open(t, st).Compact(context.Background(), stale); err == nil {
		t.Error("Compact wrote a state older than the stored one")
	}
	sameState(t, load(t, open(t, st)), newer)
}

func testSerialIncreases(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	serials := []uint64{s.Serial}
	for i := range 3 {
		apply(t, b, s, set(account(fmt.Sprint(i), `{}`)))
		serials = append(serials, load(t, open(t, st)).Serial) // an interrupted apply
		compact(t, b, s)
		serials = append(serials, s.Serial, load(t, open(t, st)).Serial)
	}
	for i := 1; i < len(serials); i++ {
		if serials[i] < serials[i-1] || (i%3 == 1 && serials[i] == serials[i-1]) {
			t.Fatalf("serials seen: %v; each change must raise the serial and none may lower it", serials)
		}
	}
}

func testLineageKept(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	lineage := s.Lineage
	for i := range 3 {
		apply(t, b, s, set(account(fmt.Sprint(i), `{}`)))
		if got := load(t, open(t, st)).Lineage; got != lineage {
			t.Fatalf("lineage after Apply: %s, want %s", got, lineage)
		}
		compact(t, b, s)
		if got := load(t, open(t, st)).Lineage; got != lineage {
			t.Fatalf("lineage after Compact: %s, want %s", got, lineage)
		}
	}
}

func testOutputs(t *testing.T, st Store) {
	out := func(v string, sensitive bool) *state.Output {
		return &state.Output{Value: json.RawMessage(v), Type: json.RawMessage(`"string"`), Sensitive: sensitive}
	}
	steps := []struct {
		name string
		u    state.Update
		want int
	}{
		{"set", state.Update{Outputs: map[string]*state.Output{"a": out(`"x"`, false), "b": out(`"y"`, true)}}, 2},
		{"nil keeps them", set(account("ani", `{}`)), 2},
		{"replace", state.Update{Outputs: map[string]*state.Output{"c": out(`"z"`, false)}}, 1},
		{"empty removes them", state.Update{Outputs: map[string]*state.Output{}}, 0},
	}
	b := open(t, st)
	s := load(t, b)
	for i, step := range steps {
		apply(t, b, s, step.u)
		if i == 1 {
			compact(t, b, s)
		}
		got := load(t, open(t, st))
		if len(got.Outputs) != step.want {
			t.Fatalf("%s: %d outputs loaded, want %d", step.name, len(got.Outputs), step.want)
		}
		sameState(t, got, s)
	}
}

func testRemove(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, set(account("ani", `{}`), account("budi", `{}`), account("citra", `{}`)))
	compact(t, b, s)
	apply(t, b, s, state.Update{Remove: []string{`usapi_account.hire["budi"]`}})
	got := load(t, open(t, st))
	if _, ok := got.Resources[`usapi_account.hire["budi"]`]; ok || len(got.Resources) != 2 {
		t.Fatalf("after Remove the state holds %v", got.Addresses())
	}
	apply(t, b, s, state.Update{Remove: []string{`usapi_account.hire["nobody"]`}})
	compact(t, b, s)
	sameState(t, load(t, open(t, st)), s)
}

func testPendingIntent(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	r := account("ani", "")
	r.SetAttributes(nil)
	r.SetPending(&state.Intent{ID: "intent-1", Operation: "create", Started: fixedTime, RunID: "run-1", RequestDigest: "hmac-sha256:00ff"})
	apply(t, b, s, set(r))
	got := load(t, open(t, st))
	sameState(t, got, s)
	p := got.Resources[r.Address].Pending()
	if p == nil || *p != *r.Pending() {
		t.Fatalf("pending intent loaded as %+v, want %+v", p, r.Pending())
	}
	done := account("ani", `{"username":"ani"}`)
	apply(t, b, s, set(done))
	compact(t, b, s)
	if got := load(t, open(t, st)).Resources[r.Address]; got.Pending() != nil {
		t.Errorf("the intent stayed after the outcome was recorded: %+v", got.Pending())
	}
}

func testLockExcludes(t *testing.T, st Store) {
	a, b := open(t, st), open(t, st)
	unlock, err := a.Lock(context.Background(), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	if _, err := b.Lock(lockCtx(t, 50*time.Millisecond), state.NewLockInfo("plan")); err == nil {
		t.Fatal("a second handle took the lock while the first held it")
	}
	if err := unlock.Unlock(); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	again, err := b.Lock(lockCtx(t, 5*time.Second), state.NewLockInfo("plan"))
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	if err := again.Unlock(); err != nil {
		t.Fatalf("second Unlock: %v", err)
	}
}

func testLockTimeoutNamesHolder(t *testing.T, st Store) {
	info := state.NewLockInfo("apply")
	unlock, err := open(t, st).Lock(context.Background(), info)
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	defer unlock.Unlock()
	_, err = open(t, st).Lock(lockCtx(t, 30*time.Millisecond), state.NewLockInfo("plan"))
	var lerr *state.LockError
	if !errors.As(err, &lerr) {
		t.Fatalf("Lock of a held lock returned %v, want a *state.LockError", err)
	}
	if lerr.Info.ID != info.ID || lerr.Info.PID != info.PID || lerr.Info.Operation != "apply" {
		t.Errorf("LockError names %+v, want the holder %+v", lerr.Info, info)
	}
}

func testNewerVersionRefused(t *testing.T, st Store) {
	if st.SetVersion == nil {
		t.Skip("this backend stores no format version to tamper with")
	}
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, set(account("ani", `{}`)))
	compact(t, b, s)
	st.SetVersion(t, state.Version+1)
	_, err := open(t, st).Load(context.Background())
	var verr *state.VersionError
	if !errors.As(err, &verr) || verr.Version != state.Version+1 {
		t.Fatalf("Load of a newer format returned %v, want a *state.VersionError for version %d", err, state.Version+1)
	}
}

// testDigestKeyID checks that the digest key's fingerprint is kept by
// Apply, survives a Compact, and that an update without one leaves it.
func testDigestKeyID(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, state.Update{DigestKeyID: "hmac-sha256:0a1b2c3d4e5f6789"})
	if got := load(t, open(t, st)); got.DigestKeyID != "hmac-sha256:0a1b2c3d4e5f6789" {
		t.Fatalf("digest key fingerprint loaded as %q after Apply", got.DigestKeyID)
	}
	apply(t, b, s, set(account("ani", `{}`)))
	compact(t, b, s)
	got := load(t, open(t, st))
	if got.DigestKeyID != "hmac-sha256:0a1b2c3d4e5f6789" {
		t.Fatalf("digest key fingerprint loaded as %q after Compact", got.DigestKeyID)
	}
	sameState(t, got, s)
	apply(t, b, s, state.Update{DigestKeyID: "hmac-sha256:ffffffffffffffff"})
	compact(t, b, s)
	if got := load(t, open(t, st)); got.DigestKeyID != "hmac-sha256:ffffffffffffffff" {
		t.Fatalf("a new digest key fingerprint loaded as %q", got.DigestKeyID)
	}
}

// testSensitivePaths checks that a resource's sensitive paths are kept
// exactly, and forgotten when the resource is set again without them.
func testSensitivePaths(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	r := account("ani", `{"username":"ani","last_name":"Lestari"}`)
	r.SetSensitivePaths([][]any{{"last_name"}, {"basic_profile", float64(0), "gender"}, {"labels", map[string]any{"key": "team"}}})
	apply(t, b, s, set(r))
	got := load(t, open(t, st))
	sameState(t, got, s)
	if p := got.Resources[r.Address].SensitivePaths(); len(p) != 3 || p[0][0] != "last_name" {
		t.Fatalf("sensitive paths loaded as %v", p)
	}
	compact(t, b, s)
	sameState(t, load(t, open(t, st)), s)
	apply(t, b, s, set(account("ani", `{"username":"ani"}`)))
	if p := load(t, open(t, st)).Resources[r.Address].SensitivePaths(); p != nil {
		t.Fatalf("sensitive paths stayed after the resource was set without them: %v", p)
	}
}

// testSettled checks that a record's settled flag is kept, through the
// journal and compaction, and cleared when the record is set without it.
func testSettled(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	r := account("ani", `{"username":"ani"}`)
	r.Settled = true
	apply(t, b, s, set(r))
	if !load(t, open(t, st)).Resources[r.Address].Settled {
		t.Fatal("settled loaded as false")
	}
	compact(t, b, s)
	if !load(t, open(t, st)).Resources[r.Address].Settled {
		t.Fatal("settled after compaction loaded as false")
	}
	apply(t, b, s, set(account("ani", `{"username":"ani"}`)))
	if load(t, open(t, st)).Resources[r.Address].Settled {
		t.Fatal("settled stayed after the record was set without it")
	}
}

// testModule checks that the module instance holding a resource is kept,
// through the journal and compaction, and stays absent for a resource of
// the root module.
func testModule(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	r := (&state.Resource{Address: `module.hire["ani"].usapi_account.this`}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "this", Provider: "usapi"}).WithUpdatedAt(fixedTime).WithAttributes(json.RawMessage(`{"username":"ani"}`))
	r.SetModule(`module.hire["ani"]`)
	root := account("budi", `{"username":"budi"}`)
	apply(t, b, s, set(r, root))
	check := func(when string) {
		t.Helper()
		got := load(t, open(t, st)).Resources
		if m := got[r.Address].Module(); m != r.Module() {
			t.Errorf("%s: module loaded as %q, want %q", when, m, r.Module())
		}
		if m := got[root.Address].Module(); m != "" {
			t.Errorf("%s: a root module resource loaded with module %q", when, m)
		}
	}
	check("after apply")
	compact(t, b, s)
	check("after compaction")
}

// testConfigDigest checks that a resource's configuration digest is kept
// exactly, as daftar writes one (the record holds its bytes) or in
// another form (its text), and forgotten when the resource is set again
// without one.
func testConfigDigest(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	r := account("ani", `{"username":"ani"}`)
	r.SetConfigDigest("hmac-sha256:0123456789abcdef")
	daftars := account("budi", `{"username":"budi"}`)
	daftars.SetConfigDigest("hmac-sha256:0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978")
	apply(t, b, s, set(r, daftars))
	got := load(t, open(t, st))
	sameState(t, got, s)
	for _, r := range []*state.Resource{r, daftars} {
		if d := got.Resources[r.Address].ConfigDigest(); d != r.ConfigDigest() {
			t.Fatalf("config digest loaded as %q", d)
		}
	}
	compact(t, b, s)
	for _, r := range []*state.Resource{r, daftars} {
		if d := load(t, open(t, st)).Resources[r.Address].ConfigDigest(); d != r.ConfigDigest() {
			t.Fatalf("config digest after compaction loaded as %q", d)
		}
	}
	apply(t, b, s, set(account("ani", `{"username":"ani"}`)))
	if d := load(t, open(t, st)).Resources[r.Address].ConfigDigest(); d != "" {
		t.Fatalf("config digest stayed after the resource was set without one: %q", d)
	}
}
