package state

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// TestDigestKeyIDRoundTrip checks the snapshot keeps digest_key_id right
// after the lineage, leaves it out when empty, and reads it back.
func TestDigestKeyIDRoundTrip(t *testing.T) {
	s := New()
	plain, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plain, []byte("digest_key_id")) {
		t.Fatalf("an empty fingerprint must not be written:\n%s", plain)
	}
	s.DigestKeyID = "hmac-sha256:0a1b2c3d4e5f6789"
	data, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := `"lineage": "` + s.Lineage + `",` + "\n" + `  "digest_key_id": "hmac-sha256:0a1b2c3d4e5f6789",`
	if !bytes.Contains(data, []byte(want)) {
		t.Fatalf("snapshot lacks %s:\n%s", want, data)
	}
	got, err := decodeState(data, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got.DigestKeyID != s.DigestKeyID {
		t.Fatalf("read back %q", got.DigestKeyID)
	}
}

// TestDigestKeyIDJournal checks a fingerprint recorded by Apply is replayed
// from the journal and kept by Compact.
func TestDigestKeyIDJournal(t *testing.T) {
	dir := t.TempDir()
	l := NewLocal(dir+"/daftar.state.json", LocalOptions{})
	ctx := context.Background()
	s, err := l.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := Update{DigestKeyID: "hmac-sha256:0a1b2c3d4e5f6789"}
	if u.Empty() {
		t.Fatal("an update that records a fingerprint is not empty")
	}
	if err := l.Apply(ctx, u); err != nil {
		t.Fatal(err)
	}
	s.Apply(u)
	got, err := NewLocal(dir+"/daftar.state.json", LocalOptions{}).Load(ctx)
	if err != nil || got.DigestKeyID != u.DigestKeyID {
		t.Fatalf("replayed fingerprint %q, %v", got.DigestKeyID, err)
	}
	if err := l.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err = NewLocal(dir+"/daftar.state.json", LocalOptions{}).Load(ctx)
	if err != nil || got.DigestKeyID != u.DigestKeyID {
		t.Fatalf("compacted fingerprint %q, %v", got.DigestKeyID, err)
	}
}

// TestSensitivePathsJSON checks a resource's sensitive paths round-trip
// and are absent when there are none.
func TestSensitivePathsJSON(t *testing.T) {
	r := (&Resource{Address: "a.b"}).WithSensitivePaths([][]any{{"last_name"}, {"tags", map[string]any{"key": "x"}}, {"list", float64(2)}})
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"sensitive_paths":[["last_name"],["tags",{"key":"x"}],["list",2]]`)) {
		t.Fatalf("encoded as %s", data)
	}
	var back Resource
	if err := json.Unmarshal(data, &back); err != nil || len(back.SensitivePaths()) != 3 {
		t.Fatalf("decoded %v, %v", back.SensitivePaths(), err)
	}
	plain, _ := json.Marshal(&Resource{Address: "a.b"})
	if bytes.Contains(plain, []byte("sensitive_paths")) {
		t.Fatalf("empty paths written: %s", plain)
	}
}
