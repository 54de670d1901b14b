package crypt

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
)

// PassphraseEnv names the environment variable that holds the passphrase.
const PassphraseEnv = "DAFTAR_STATE_PASSPHRASE"

// NewPassphraseEnv names the environment variable that holds the new
// passphrase for daftar state rekey.
const NewPassphraseEnv = "DAFTAR_NEW_STATE_PASSPHRASE"

// Magic begins every encrypted file; a reader that finds it knows the file
// is encrypted, and with which format version.
const Magic = "DAFTAR-ENCRYPTED/1 "

// MinPassphraseLen is the shortest passphrase accepted. A memory-hard KDF
// slows a guesser down; it does not make a short passphrase safe.
const MinPassphraseLen = 12

// ErrWrongPassphrase reports a file encrypted with another passphrase.
var ErrWrongPassphrase = errors.New("the passphrase does not open it (it was encrypted with another passphrase)")

// ErrDamaged reports an encrypted file whose content does not authenticate:
// it was changed or cut short after it was written.
var ErrDamaged = errors.New("its encrypted content was changed or cut short: it does not authenticate")

// IsEncrypted reports whether data begins as an encrypted file does.
func IsEncrypted(data []byte) bool {
	return bytes.HasPrefix(data, []byte(Magic))
}

// Cipher encrypts and decrypts with keys derived from one passphrase. Keys
// are derived once per salt and kept for the life of the Cipher, so that a
// command pays for the key derivation once, not once per file or line. It
// is safe for concurrent use.
type Cipher struct {
	passphrase []byte
	params     Params

	mu    sync.Mutex
	keys  map[string]*key // by header line
	write *key            // the key Encrypt uses, once chosen
}

// key is one derived key with the header that names it.
type key struct {
	header []byte // the header line, newline included
	aead   cipher.AEAD
	check  []byte
}

// New returns a Cipher for passphrase. Encrypt derives keys with params
// (DefaultParams when zero); Decrypt uses the parameters each file names.
func New(passphrase string, params Params) (*Cipher, error) {
	if len(passphrase) < MinPassphraseLen {
		return nil, fmt.Errorf("the state passphrase must be at least %d characters long", MinPassphraseLen)
	}
	if params == (Params{}) {
		params = DefaultParams
	}
	if err := params.check(); err != nil {
		return nil, err
	}
	return &Cipher{passphrase: []byte(passphrase), params: params, keys: map[string]*key{}}, nil
}

// Encrypt returns plaintext encrypted, header first. Each call uses a fresh
// random nonce.
func (c *Cipher) Encrypt(plaintext []byte) ([]byte, error) {
	k, err := c.writeKey()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("encrypting: no random nonce: %w", err)
	}
	out := make([]byte, 0, len(k.header)+len(nonce)+len(plaintext)+k.aead.Overhead())
	out = append(out, k.header...)
	out = append(out, nonce...)
	return k.aead.Seal(out, nonce, plaintext, k.header), nil
}

// Decrypt returns the plaintext of data written by Encrypt, with
// ErrWrongPassphrase when data was encrypted with another passphrase and
// ErrDamaged when it was altered.
func (c *Cipher) Decrypt(data []byte) ([]byte, error) {
	if !IsEncrypted(data) {
		return nil, errors.New("it is not encrypted")
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, ErrDamaged
	}
	header, body := data[:nl+1], data[nl+1:]
	k, err := c.readKey(header)
	if err != nil {
		return nil, err
	}
	ns := k.aead.NonceSize()
	if len(body) < ns+k.aead.Overhead() {
		return nil, ErrDamaged
	}
	plain, err := k.aead.Open(nil, body[:ns], body[ns:], header)
	if err != nil {
		return nil, ErrDamaged
	}
	return plain, nil
}

// writeKey returns the key Encrypt uses: the first key this Cipher
// derived (reading a file), or a new one with a fresh salt.
func (c *Cipher) writeKey() (*key, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.write != nil {
		return c.write, nil
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("encrypting: no random salt: %w", err)
	}
	k := c.derive(header{params: c.params, salt: salt})
	c.keys[string(k.header)] = k
	c.write = k
	return k, nil
}

// readKey returns the key a header names, deriving it on first use and
// checking it against the header's check value.
func (c *Cipher) readKey(line []byte) (*key, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.keys[string(line)]; ok {
		return k, nil
	}
	h, err := parseHeader(line)
	if err != nil {
		return nil, err
	}
	k := c.derive(h)
	if !hmac.Equal(k.check, h.check) {
		return nil, ErrWrongPassphrase
	}
	c.keys[string(line)] = k
	if c.write == nil && h.params == c.params {
		c.write = k
	}
	return k, nil
}

// derive runs the KDF for h and builds the key; h.check is ignored.
func (c *Cipher) derive(h header) *key {
	raw := h.params.derive(c.passphrase, h.salt)
	block, err := aes.NewCipher(raw)
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	h.check = checkValue(raw)
	return &key{header: h.encode(), aead: aead, check: h.check}
}

// checkValue is a MAC of a constant under the key: equal for the right
// passphrase, and telling nothing about the key otherwise.
func checkValue(raw []byte) []byte {
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte("daftar key check"))
	return mac.Sum(nil)[:checkLen]
}
