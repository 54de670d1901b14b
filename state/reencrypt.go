package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Reencrypt rewrites the stored snapshot and its backup under to (nil:
// in plaintext), and the handle uses to from then on. It is how a state
// is encrypted, decrypted, or given a new passphrase; the caller holds the
// lock.
//
// The journal must be empty: Load and Compact first (Compact folds the
// journal into the snapshot and removes it). Both files are read before
// either is written, so a wrong passphrase changes nothing. A file already
// under to (a Reencrypt a crash interrupted between its two renames) is
// read with to, so running Reencrypt again finishes the job. Each file is
// replaced atomically, the backup first.
func (l *Local) Reencrypt(ctx context.Context, to Cipher) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped before rewriting the state: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.checkJournalEmpty(); err != nil {
		return err
	}
	files := []string{l.backupPath, l.path}
	plain := make([][]byte, len(files))
	for i, path := range files {
		var err error
		if plain[i], err = l.readEither([]string{"state backup", "state file"}[i], path, to); err != nil {
			return err
		}
	}
	for i, path := range files {
		if plain[i] == nil {
			continue
		}
		data, err := sealFile(plain[i], to)
		if err == nil {
			err = writeFileAtomic(path, data, 0o600)
		}
		if err != nil {
			return fmt.Errorf("could not rewrite %s (run the command again to finish): %w", path, err)
		}
	}
	l.cipher = to
	return nil
}

// checkJournalEmpty refuses to rewrite a state whose journal holds changes
// not yet in the snapshot.
func (l *Local) checkJournalEmpty() error {
	fi, err := os.Stat(l.journalPath)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Size() == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("could not check the state journal %s: %w", l.journalPath, err)
	}
	return fmt.Errorf("the state journal %s holds changes not yet in %s: load and compact the state before rewriting it", l.journalPath, l.path)
}

// readEither returns the plaintext of the file at path (nil if absent),
// read with the handle's cipher or, failing a settings mismatch, with to.
func (l *Local) readEither(file, path string, to Cipher) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", path, err)
	}
	plain, err := openFile(data, file, path, l.cipher)
	if isSettingsError(err) {
		if p, err2 := openFile(data, file, path, to); err2 == nil {
			return p, nil
		}
	}
	if err != nil && !isSettingsError(err) {
		return nil, fmt.Errorf("%s is damaged: %w", path, err)
	}
	return plain, err
}
