package command

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
)

// A saved plan is written as plans.Save encodes it, sealed with a keyed
// digest (plans.Seal) so that any change to it is refused, and encrypted
// when a state passphrase is set: it holds the same names and e-mail
// addresses as the state.

// writePlanFile saves p to path (mode 0600).
func (m *Meta) writePlanFile(path string, p *plans.Plan, d plans.Digester) error {
	var buf bytes.Buffer
	if err := plans.Save(&buf, p); err != nil {
		return err
	}
	data, err := plans.Seal(buf.Bytes(), d)
	if err != nil {
		return err
	}
	c, err := m.stateCipher()
	if err != nil {
		return err
	}
	if c != nil {
		if data, err = c.Encrypt(data); err != nil {
			return err
		}
	}
	return writeFilePrivate(path, data)
}

// readPlanBytes reads a plan file's bytes; a folder or a device (whose
// reading may never end) is refused.
func readPlanBytes(path string) ([]byte, error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("cannot read the plan file %s: it is not a regular file; give the file daftar plan -out=FILE wrote", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the plan file %s: %w", path, unwrapPathError(err))
	}
	return data, nil
}

// readPlanFile reads a plan saved by writePlanFile: decrypted if it is
// encrypted, refused unless its seal matches.
func (m *Meta) readPlanFile(path string, d plans.Digester) (*plans.Plan, error) {
	data, err := readPlanBytes(path)
	if err != nil {
		return nil, err
	}
	if crypt.IsEncrypted(data) {
		if data, err = m.decryptPlanFile(data); err != nil {
			return nil, fmt.Errorf("cannot read the plan file %s: %w", path, err)
		}
	}
	if d == nil {
		if d, err = existingDigester(m.Dir, m.Environ); err != nil {
			return nil, fmt.Errorf("cannot check the plan file %s: %w", path, err)
		}
	}
	if data, err = plans.Unseal(data, d); err != nil {
		return nil, fmt.Errorf("the plan file %s cannot be trusted: %w. Nothing was applied; make a new plan with daftar plan -out=%s", path, err, path)
	}
	p, err := plans.Load(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func (m *Meta) decryptPlanFile(data []byte) ([]byte, error) {
	c, err := m.stateCipher()
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("it is encrypted: set %s to the passphrase it was saved with", crypt.PassphraseEnv)
	}
	plain, err := c.Decrypt(data)
	if errors.Is(err, crypt.ErrWrongPassphrase) {
		return nil, errors.New("it is encrypted with another passphrase than the one set")
	}
	return plain, err
}

// existingDigester returns the digester of the working directory's digest
// key (DAFTAR_DIGEST_KEY or .daftar/digest.key), without creating a key:
// a new key could check no seal.
func existingDigester(dir string, environ []string) (*secrets.Digester, error) {
	path := filepath.Join(dir, ".daftar", "digest.key")
	if _, ok := secrets.LookupKeyEnv(environ); !ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("there is no digest key here (%s, or %s): plans are sealed with the key of the working directory they were made in", path, secrets.KeyEnv)
		}
	}
	key, err := secrets.LoadKeyFrom(path, environ)
	if err != nil {
		return nil, err
	}
	return secrets.NewDigester(key), nil
}
