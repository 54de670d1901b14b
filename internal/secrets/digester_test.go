package secrets

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDigestSeparatesPurposesAndKeys(t *testing.T) {
	a := NewDigester([]byte("0123456789abcdef0123456789abcdef"))
	b := NewDigester([]byte("fedcba9876543210fedcba9876543210"))
	v := []byte("3171234567890123")
	if a.Digest("nik", v) != a.Digest("nik", v) {
		t.Fatal("digest is not deterministic")
	}
	if a.Digest("nik", v) == a.Digest("password", v) {
		t.Fatal("purposes must separate digests")
	}
	if a.Digest("nik", v) == b.Digest("nik", v) {
		t.Fatal("keys must separate digests")
	}
	if d := a.Digest("nik", v); !strings.HasPrefix(d, Scheme) || strings.Contains(d, string(v)) {
		t.Fatalf("unexpected digest %q", d)
	}
}

func TestLoadKeyCreatesOnceWithMode0600(t *testing.T) {
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv)
	path := filepath.Join(t.TempDir(), ".daftar", "digest.key")
	k1, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) || len(k1) != 32 {
		t.Fatal("the key must be created once and read back")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", info.Mode().Perm())
	}
}

func TestLoadKeyFromEnvironment(t *testing.T) {
	t.Setenv(KeyEnv, strings.Repeat("ab", 32))
	k, err := LoadKey(filepath.Join(t.TempDir(), "unused"))
	if err != nil || len(k) != 32 || k[0] != 0xab {
		t.Fatalf("got %x, %v", k, err)
	}
	t.Setenv(KeyEnv, "short")
	if _, err := LoadKey("unused"); err == nil || !strings.Contains(err.Error(), KeyEnv) {
		t.Fatalf("want an error naming %s, got %v", KeyEnv, err)
	}
}

func TestKeyIDSeparatesKeysAndHidesThem(t *testing.T) {
	k1 := []byte("0123456789abcdef0123456789abcdef")
	a, b := NewDigester(k1), NewDigester([]byte("fedcba9876543210fedcba9876543210"))
	if a.KeyID() != NewDigester(k1).KeyID() {
		t.Fatal("a key's fingerprint must not change")
	}
	if a.KeyID() == b.KeyID() {
		t.Fatal("two keys must have two fingerprints")
	}
	id := a.KeyID()
	if !strings.HasPrefix(id, Scheme) || len(id) != len(Scheme)+16 || strings.Contains(id, "30313233") {
		t.Fatalf("unexpected fingerprint %q", id)
	}
}

// TestDigestIsHMAC: a digest is HMAC-SHA256(key, purpose || 0 || value),
// however many goroutines share the digester's pooled HMACs.
func TestDigestIsHMAC(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	d := NewDigester(key)
	want := func(purpose, value string) string {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(purpose + "\x00" + value))
		return Scheme + hex.EncodeToString(mac.Sum(nil))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				purpose, value := fmt.Sprint("p", g), fmt.Sprint("value-", i)
				if got := d.Digest(purpose, []byte(value)); got != want(purpose, value) {
					t.Errorf("Digest(%q, %q) = %s, want %s", purpose, value, got, want(purpose, value))
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestAppendDigestIsDigest: AppendDigest appends Digest's answer after
// what dst holds, for purposes longer than its pooled buffer too, however
// many goroutines share the pooled HMACs and buffers.
func TestAppendDigestIsDigest(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	d := NewDigester(key)
	want := func(purpose, value string) string {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(purpose + "\x00" + value))
		return Scheme + hex.EncodeToString(mac.Sum(nil))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				purpose := fmt.Sprint("p", g, strings.Repeat("x", i%3*50))
				value := fmt.Sprint("value-", i)
				got := d.AppendDigest([]byte("before:"), purpose, []byte(value))
				if string(got) != "before:"+want(purpose, value) || len(got)-len("before:") != DigestLength {
					t.Errorf("AppendDigest(%q, %q) = %s, want before:%s", purpose, value, got, want(purpose, value))
					return
				}
			}
		})
	}
	wg.Wait()
}
