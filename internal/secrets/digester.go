package secrets

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// KeyEnv names the environment variable that supplies the digest key as 64
// hexadecimal digits. Machines that share one state (a PostgreSQL backend)
// must share this key.
const KeyEnv = "DAFTAR_DIGEST_KEY"

// Scheme prefixes every digest, so that a later change of algorithm is
// visible in the stored value.
const Scheme = "hmac-sha256:"

// Digester makes keyed digests with HMAC-SHA256. It is safe for
// concurrent use.
type Digester struct {
	key []byte
	// macs keeps keyed HMACs for reuse: a plan of 100,000 instances
	// digests each one's configuration, and a new HMAC per digest is most
	// of the cost.
	macs sync.Pool
}

// NewDigester returns a digester with the given key.
func NewDigester(key []byte) *Digester {
	d := &Digester{key: append([]byte(nil), key...)}
	d.macs.New = func() any { return &pooledMAC{mac: hmac.New(sha256.New, d.key), buf: make([]byte, 0, 64)} }
	return d
}

// Digest returns the keyed digest of value for purpose. The purpose is part
// of the MAC input, so one value digested for two purposes gives two
// unrelated digests.
func (d *Digester) Digest(purpose string, value []byte) string {
	var out [DigestLength]byte
	return string(d.AppendDigest(out[:0], purpose, value))
}

// DigestLength is the length of a digest: the scheme and 64 hexadecimal
// digits.
const DigestLength = len(Scheme) + 2*sha256.Size

// AppendDigest appends Digest(purpose, value) to dst: a caller that only
// compares the digest with one it holds (a plan of 100,000 unchanged
// instances) allocates no string for it.
func (d *Digester) AppendDigest(dst []byte, purpose string, value []byte) []byte {
	m := d.macs.Get().(*pooledMAC)
	m.mac.Reset()
	// The purpose and its separator are written from the pooled buffer:
	// converting them to slices for the hash's Write allocated twice per
	// digest.
	m.buf = append(append(m.buf[:0], purpose...), 0)
	m.mac.Write(m.buf)
	m.mac.Write(value)
	m.buf = m.mac.Sum(m.buf[:0])
	dst = append(dst, Scheme...)
	dst = hex.AppendEncode(dst, m.buf)
	d.macs.Put(m)
	return dst
}

// pooledMAC is a keyed HMAC kept for reuse, with a buffer for its input
// and sum.
type pooledMAC struct {
	mac hash.Hash
	buf []byte
}

// keyIDLength is how many hexadecimal digits of a digest a key's
// fingerprint keeps: enough to tell two keys apart, too few to matter.
const keyIDLength = 16

// KeyID returns the key's fingerprint: its digest of a fixed string,
// truncated. The state records it to notice a changed key; it reveals
// nothing of the key.
func (d *Digester) KeyID() string {
	return d.Digest("digest-key-id", []byte("daftar digest key fingerprint"))[:len(Scheme)+keyIDLength]
}

// LoadKey returns the digest key: from DAFTAR_DIGEST_KEY in this process's
// environment when set, else from the file at path (see LoadKeyFrom).
func LoadKey(path string) ([]byte, error) {
	return LoadKeyFrom(path, os.Environ())
}

// LoadKeyFrom returns the digest key: from DAFTAR_DIGEST_KEY in environ (a
// list of NAME=VALUE, as os.Environ) when set, else from the file at path,
// which is created with a new random key (mode 0600, its folder 0700) when
// it does not exist. A command run in process reads the environment it
// was given, not the process's.
func LoadKeyFrom(path string, environ []string) ([]byte, error) {
	if v, ok := LookupKeyEnv(environ); ok {
		return decodeKey(strings.TrimSpace(v), KeyEnv)
	}
	data, err := os.ReadFile(path)
	if err == nil {
		return decodeKey(strings.TrimSpace(string(data)), path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the digest key: %w", err)
	}
	return createKey(path)
}

func decodeKey(s, source string) ([]byte, error) {
	key, err := hex.DecodeString(s)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("the digest key in %s must be at least 64 hexadecimal digits (32 bytes)", source)
	}
	return key, nil
}

func createKey(path string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("making a digest key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("making the folder for the digest key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKeyFrom(path, nil) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("creating the digest key: %w", err)
	}
	_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
	serr := f.Sync()
	if cerr := f.Close(); werr == nil && serr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = serr
	}
	if werr != nil {
		return nil, fmt.Errorf("writing the digest key: %w", werr)
	}
	return key, nil
}

// LookupKeyEnv returns DAFTAR_DIGEST_KEY's value in environ (the last one
// wins, as in a process's environment) and whether it is set.
func LookupKeyEnv(environ []string) (string, bool) {
	value, ok := "", false
	for _, kv := range environ {
		if name, v, found := strings.Cut(kv, "="); found && name == KeyEnv {
			value, ok = v, true
		}
	}
	return value, ok
}
