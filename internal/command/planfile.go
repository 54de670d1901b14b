package command

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/planner"
)

// A saved plan is written as plans.SaveSealed encodes it, sealed with a
// keyed digest so that any change to it is refused, and encrypted when a
// state passphrase is set: it holds the same names and e-mail addresses
// as the state. Unencrypted, it is written and read one change at a time;
// encrypted, its bytes are encrypted and decrypted whole (crypt's format),
// but its changes are still decoded one at a time.

// writePlanFile saves res's plan to path (mode 0600), every change made
// as it is written (planner.Result.Source).
func (m *Meta) writePlanFile(path string, res *planner.Result, d plans.Digester) error {
	c, err := m.stateCipher()
	if err != nil {
		return err
	}
	save := func(w io.Writer) error { return plans.SaveSealedFrom(w, res.Plan, res.Source(), res.Len(), d) }
	if c == nil {
		return writeFilePrivateWith(path, save)
	}
	var buf bytes.Buffer
	if err := save(&buf); err != nil {
		return err
	}
	data, err := c.Encrypt(buf.Bytes())
	if err != nil {
		return err
	}
	return writeFilePrivate(path, data)
}

// planFileDigest is the sha256 of a plan file's bytes, read as a stream;
// a folder or a device (whose reading may never end) is refused.
func planFileDigest(path string) (string, error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return "", fmt.Errorf("cannot read the plan file %s: it is not a regular file; give the file daftar plan -out=FILE wrote", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read the plan file %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", fmt.Errorf("cannot read the plan file %s: %w", path, unwrapPathError(err))
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// readPlanFile reads a whole plan saved by writePlanFile: decrypted if it
// is encrypted, refused unless its seal matches.
func (m *Meta) readPlanFile(path string, d plans.Digester) (*plans.Plan, error) {
	rd, closeFile, err := m.openPlanFile(path, d)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	rd.PackCreates = true // read when apply reaches each (planner.Bind packs them again)
	p, err := rd.ReadAll()
	if err != nil {
		return nil, planFileError(path, err)
	}
	return p, nil
}

// openPlanFile opens a plan saved by writePlanFile for reading change by
// change: its seal is checked first, in a pass that decodes nothing, and
// again as the changes are read (the Reader's last Next fails if the file
// changed in between). The caller calls closeFile when done.
func (m *Meta) openPlanFile(path string, d plans.Digester) (rd *plans.Reader, closeFile func(), err error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("cannot read the plan file %s: it is not a regular file; give the file daftar plan -out=FILE wrote", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the plan file %s: %w", path, unwrapPathError(err))
	}
	var src io.ReadSeeker = f
	magic := make([]byte, len(crypt.Magic))
	n, _ := io.ReadFull(f, magic)
	if crypt.IsEncrypted(magic[:n]) {
		data, err := io.ReadAll(io.MultiReader(bytes.NewReader(magic[:n]), f))
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read the plan file %s: %w", path, err)
		}
		if data, err = m.decryptPlanFile(data); err != nil {
			return nil, nil, fmt.Errorf("cannot read the plan file %s: %w", path, err)
		}
		src = bytes.NewReader(data)
	}
	closeFile = func() { f.Close() }
	if rd, err = m.checkedPlanReader(path, src, d); err != nil {
		closeFile()
		return nil, nil, err
	}
	return rd, closeFile, nil
}

// checkedPlanReader checks the seal of the plan file src holds, then
// reads its header.
func (m *Meta) checkedPlanReader(path string, src io.ReadSeeker, d plans.Digester) (*plans.Reader, error) {
	var err error
	if d == nil {
		if d, err = existingDigester(m.Dir, m.Environ); err != nil {
			return nil, fmt.Errorf("cannot check the plan file %s: %w", path, err)
		}
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if err := plans.CheckSeal(src, d); err != nil {
		return nil, planFileError(path, err)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	rd, err := plans.NewReader(src, d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rd, nil
}

// planFileError words an error reading a plan file's changes: a broken
// seal says the file cannot be trusted and what to do.
func planFileError(path string, err error) error {
	if errors.Is(err, plans.ErrSealBroken) || errors.Is(err, plans.ErrNoSeal) {
		return fmt.Errorf("the plan file %s cannot be trusted: %w. Nothing was applied; make a new plan with daftar plan -out=%s", path, err, path)
	}
	return fmt.Errorf("%s: %w", path, err)
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
