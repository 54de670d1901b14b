package state

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/daftar-dev/daftar/internal/crypt"
)

// Cipher encrypts the files of a local state: the snapshot, its backup and
// each journal line. *crypt.Cipher is one. Decrypt must fail with an error
// wrapping crypt.ErrWrongPassphrase for data encrypted under another key,
// so that a wrong passphrase is never mistaken for a torn journal line.
type Cipher interface {
	Encrypt(plaintext []byte) ([]byte, error)
	Decrypt(data []byte) ([]byte, error)
}

// EncryptionProblem says why a stored file does not fit the encryption
// settings.
type EncryptionProblem int

const (
	// NeedPassphrase: the file is encrypted and no passphrase was given.
	NeedPassphrase EncryptionProblem = iota + 1
	// NotEncrypted: a passphrase was given and the file is in plaintext.
	NotEncrypted
	// WrongPassphrase: the file is encrypted under another passphrase.
	WrongPassphrase
)

// EncryptionError reports a stored file that the backend's encryption
// settings cannot read. Nothing was changed: a command that meets it stops
// before writing anything.
type EncryptionError struct {
	// File says which file: "state file", "state backup", "state journal".
	File    string
	Path    string
	Problem EncryptionProblem
}

func (e *EncryptionError) Error() string {
	switch e.Problem {
	case NeedPassphrase:
		return fmt.Sprintf("the %s %s is encrypted: set %s to the passphrase it was encrypted with (or give it in the daftar { encryption { passphrase } } block). Nothing was changed",
			e.File, e.Path, crypt.PassphraseEnv)
	case NotEncrypted:
		return fmt.Sprintf("the %s %s is not encrypted, yet a state passphrase is set: run daftar state encrypt to encrypt the state, or unset %s (and remove the daftar { encryption } block) to keep it in plaintext. Nothing was changed",
			e.File, e.Path, crypt.PassphraseEnv)
	default:
		return fmt.Sprintf("the %s %s cannot be decrypted: the state passphrase is wrong (the file was encrypted with another one). Nothing was changed", e.File, e.Path)
	}
}

// Unwrap lets errors.Is(err, crypt.ErrWrongPassphrase) see a wrong
// passphrase.
func (e *EncryptionError) Unwrap() error {
	if e.Problem == WrongPassphrase {
		return crypt.ErrWrongPassphrase
	}
	return nil
}

// openFile returns the plaintext of a whole file (snapshot or backup) read
// from path, decrypting it with c (nil: the file must be plaintext).
func openFile(data []byte, file, path string, c Cipher) ([]byte, error) {
	enc := crypt.IsEncrypted(data)
	switch {
	case enc && c == nil:
		return nil, &EncryptionError{File: file, Path: path, Problem: NeedPassphrase}
	case !enc && c != nil:
		return nil, &EncryptionError{File: file, Path: path, Problem: NotEncrypted}
	case !enc:
		return data, nil
	}
	plain, err := c.Decrypt(data)
	if errors.Is(err, crypt.ErrWrongPassphrase) {
		return nil, &EncryptionError{File: file, Path: path, Problem: WrongPassphrase}
	}
	return plain, err
}

// sealFile returns the bytes to write for a whole file.
func sealFile(plain []byte, c Cipher) ([]byte, error) {
	if c == nil {
		return plain, nil
	}
	data, err := c.Encrypt(plain)
	if err != nil {
		return nil, fmt.Errorf("could not encrypt the state: %w", err)
	}
	return data, nil
}

// An encrypted journal holds one encrypted line per plaintext line: the
// base64 of the encrypted bytes of the line (without its newline), then a
// newline. Base64 has no newline, so torn lines are found as in plaintext,
// and a line cut short fails to decode or to authenticate.

// encryptedLinePrefix is how every encrypted journal line begins: the
// base64 of the first 18 bytes of crypt.Magic.
var encryptedLinePrefix = []byte(base64.StdEncoding.EncodeToString([]byte(crypt.Magic[:18])))

// sealLine encrypts one journal line (newline included).
func sealLine(line []byte, c Cipher) ([]byte, error) {
	if c == nil {
		return line, nil
	}
	data, err := c.Encrypt(bytes.TrimSuffix(line, []byte("\n")))
	if err != nil {
		return nil, fmt.Errorf("could not encrypt a state change for the journal: %w", err)
	}
	out := base64.StdEncoding.AppendEncode(make([]byte, 0, base64.StdEncoding.EncodedLen(len(data))+1), data)
	return append(out, '\n'), nil
}

// lineDecoder returns the journal line decoder for c: decodeLine itself
// for a plaintext journal. An *EncryptionError it returns is not damage but
// a mismatch of settings, which stops the load.
func lineDecoder(path string, c Cipher) func([]byte) (*entry, error) {
	return func(line []byte) (*entry, error) {
		enc := bytes.HasPrefix(line, encryptedLinePrefix)
		switch {
		case enc && c == nil:
			return nil, &EncryptionError{File: "state journal", Path: path, Problem: NeedPassphrase}
		case !enc && c != nil && bytes.HasPrefix(line, linePrefix):
			return nil, &EncryptionError{File: "state journal", Path: path, Problem: NotEncrypted}
		case !enc:
			return decodeLine(line)
		}
		data, err := base64.StdEncoding.AppendDecode(nil, line)
		if err != nil {
			return nil, errors.New("it is cut off or malformed")
		}
		plain, err := c.Decrypt(data)
		if errors.Is(err, crypt.ErrWrongPassphrase) {
			return nil, &EncryptionError{File: "state journal", Path: path, Problem: WrongPassphrase}
		}
		if err != nil {
			return nil, errors.New("it is cut off or was altered: it does not authenticate")
		}
		return decodeLine(plain)
	}
}

// isSettingsError reports whether err is a mismatch of encryption
// settings rather than damage.
func isSettingsError(err error) bool {
	var ee *EncryptionError
	return errors.As(err, &ee)
}
