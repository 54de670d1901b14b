package crypt

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
)

// cheap keeps the tests fast; the format records the parameters, so a
// reader never depends on them.
var cheap = Params{Time: 1, MemoryKiB: 64, Threads: 1}

func newCipher(t *testing.T, passphrase string) *Cipher {
	t.Helper()
	c, err := New(passphrase, cheap)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTrip(t *testing.T) {
	c := newCipher(t, "correct horse battery staple")
	for name, plain := range map[string][]byte{
		"empty": {},
		"state": []byte("{\n  \"version\": 1\n}\n"),
		"large": bytes.Repeat([]byte("3171015504960001 "), 10000),
	} {
		t.Run(name, func(t *testing.T) {
			enc, err := c.Encrypt(plain)
			if err != nil {
				t.Fatal(err)
			}
			if !IsEncrypted(enc) || (len(plain) > 0 && bytes.Contains(enc, plain)) {
				t.Fatalf("not encrypted: %q", enc[:min(len(enc), 120)])
			}
			// A fresh Cipher (another process) opens it with the
			// passphrase alone.
			got, err := newCipher(t, "correct horse battery staple").Decrypt(enc)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("Decrypt = %q, %v", got, err)
			}
		})
	}
}

func TestEachEncryptionDiffers(t *testing.T) {
	c := newCipher(t, "correct horse battery staple")
	a, _ := c.Encrypt([]byte("same"))
	b, _ := c.Encrypt([]byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two encryptions of the same bytes are equal: the nonce is not fresh")
	}
	if !bytes.Equal(a[:bytes.IndexByte(a, '\n')], b[:bytes.IndexByte(b, '\n')]) {
		t.Fatal("one Cipher derived two keys: the KDF would run once per file")
	}
}

func TestWrongPassphraseAndDamage(t *testing.T) {
	enc, err := newCipher(t, "correct horse battery staple").Encrypt([]byte("secret state"))
	if err != nil {
		t.Fatal(err)
	}
	nl := bytes.IndexByte(enc, '\n')
	flip := func(i int) []byte {
		d := bytes.Clone(enc)
		d[i] ^= 1
		return d
	}
	tests := map[string]struct {
		passphrase string
		data       []byte
		want       error
	}{
		"wrong passphrase": {"incorrect horse battery", enc, ErrWrongPassphrase},
		"body edited":      {"correct horse battery staple", flip(len(enc) - 1), ErrDamaged},
		"nonce edited":     {"correct horse battery staple", flip(nl + 1), ErrDamaged},
		"cut short":        {"correct horse battery staple", enc[:len(enc)-5], ErrDamaged},
		"header only":      {"correct horse battery staple", enc[:nl+1], ErrDamaged},
		"no newline":       {"correct horse battery staple", enc[:nl], ErrDamaged},
		"salt edited":      {"correct horse battery staple", []byte(strings.Replace(string(enc), "salt=", "salt=A", 1)), ErrDamaged},
		"params changed":   {"correct horse battery staple", []byte(strings.Replace(string(enc), " t=1 ", " t=2 ", 1)), ErrWrongPassphrase},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := newCipher(t, tc.passphrase).Decrypt(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestHeaderIsRecognisedAndBounded(t *testing.T) {
	if IsEncrypted([]byte(`{"version": 1}`)) {
		t.Fatal("a plaintext state looks encrypted")
	}
	c := newCipher(t, "correct horse battery staple")
	huge := []byte(Magic + "kdf=argon2id t=1 m=4294967295 p=1 salt=AAAAAAAAAAAAAAAAAAAAAA== check=AAAAAAAAAAA=\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
	if _, err := c.Decrypt(huge); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("a header asking for 4 TiB of memory: %v", err)
	}
	other := []byte(Magic + "kdf=pbkdf2 i=1\nxxxx")
	if _, err := c.Decrypt(other); err == nil || !strings.Contains(err.Error(), "pbkdf2") {
		t.Fatalf("an unknown KDF: %v", err)
	}
}

func TestShortPassphraseRefused(t *testing.T) {
	if _, err := New("short", cheap); err == nil {
		t.Fatal("a 5-character passphrase was accepted")
	}
}

func TestConcurrentUse(t *testing.T) {
	c := newCipher(t, "correct horse battery staple")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := []byte(strings.Repeat("x", i))
			enc, err := c.Encrypt(msg)
			if err == nil {
				var got []byte
				got, err = c.Decrypt(enc)
				if err == nil && !bytes.Equal(got, msg) {
					err = errors.New("mismatch")
				}
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestDefaultParamsRoundTrip(t *testing.T) {
	c, err := New("correct horse battery staple", Params{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := c.Encrypt([]byte("x"))
	if err != nil || !bytes.Contains(enc, []byte("kdf=argon2id t=3 m=65536 p=4 ")) {
		t.Fatalf("default parameters: %q %v", enc, err)
	}
}
