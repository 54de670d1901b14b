package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Compact writes s as the new snapshot and removes the journal, in that
// order: a crash between the two leaves journal entries whose serials are
// not above the new snapshot's, which Load skips (and whose replay would
// change nothing anyway).
//
// The snapshot is written with serial s.Serial+1 and, on success, s.Serial
// is set to it. The previous snapshot is first kept as the backup. When s
// encodes exactly as the snapshot on disk (same content and serial: nothing
// changed since Load), no file is rewritten, the serial stays, and the
// backup keeps the state before the last real change.
//
// Compact refuses a state of another lineage than the stored one, or with a
// serial below the stored one: that would overwrite changes it never saw.
func (l *Local) Compact(ctx context.Context, s *State) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped before writing the state: %w", err)
	}
	if err := l.stillLocked(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.base.known {
		if _, err := l.loadLocked(); err != nil {
			return err
		}
	}
	if err := l.checkCompact(s); err != nil {
		return err
	}
	if done, changed, err := l.compactStreamed(s); done {
		if err != nil {
			return err
		}
		if changed {
			s.Serial++
		}
		return l.afterCompact(s)
	}
	data, err := encodeState(s, s.Serial+1)
	if err != nil {
		return err
	}
	old, err := l.readOldSnapshot()
	if err != nil {
		return err
	}
	if !sameButSerial(old, data, s.Serial) && !sameInOlderLayout(old, data, s.Serial) {
		if err := l.writeSnapshot(old, data); err != nil {
			return err
		}
		s.Serial++
	}
	return l.afterCompact(s)
}

// afterCompact records the snapshot just written (or found unchanged) as
// the stored base, and removes the journal.
func (l *Local) afterCompact(s *State) error {
	l.base = storedBase{known: true, exists: true, lineage: s.Lineage, serial: s.Serial}
	if err := l.removeJournal(); err != nil {
		l.base.known = false // the next Apply reloads and finds the journal as it is
		return err
	}
	l.appended.Store(false)
	return nil
}

func (l *Local) checkCompact(s *State) error {
	if s == nil || s.Lineage == "" {
		return errors.New("internal error: compacting a state without a lineage")
	}
	if !l.base.exists {
		return nil
	}
	if s.Lineage != l.base.lineage {
		return fmt.Errorf("refusing to write over the state in %s: it has lineage %s, and the state to write has lineage %s, so they are different states",
			l.path, l.base.lineage, s.Lineage)
	}
	if s.Serial < l.base.serial {
		return fmt.Errorf("refusing to write over the state in %s: it is at serial %d, and the state to write is at serial %d, older, so its changes would be lost",
			l.path, l.base.serial, s.Serial)
	}
	return nil
}

// In a snapshot written before resources were written one per line, the
// array begins with an indented object. The top-level key is the first
// match: only the short header lines come before it (and a newline is
// never inside a JSON string).
var (
	resourcesLine  = []byte("\n  \"resources\": [")
	olderLayoutObj = []byte("\n    {\n")
)

// sameInOlderLayout reports whether old is a snapshot in the older,
// indented layout that holds what data does, with the serial serial: the
// first Compact after an upgrade then does not rewrite an unchanged state
// only to change its layout, which would raise its serial and make saved
// plans stale. It decodes old, but only while old is in the older layout.
func sameInOlderLayout(old, data []byte, serial uint64) bool {
	i := bytes.Index(old, resourcesLine)
	if i < 0 || !bytes.HasPrefix(old[i+len(resourcesLine):], olderLayoutObj) {
		return false
	}
	s, err := decodeState(old, "")
	if err != nil || s.Serial != serial {
		return false
	}
	again, err := encodeState(s, serial)
	return err == nil && sameButSerial(again, data, serial)
}

// readOldSnapshot returns the current snapshot's bytes, or nil if none.
func (l *Local) readOldSnapshot() ([]byte, error) {
	old, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the state file %s to keep it as the backup: %w", l.path, err)
	}
	return openFile(old, "state file", l.path, l.cipher)
}

// writeSnapshot keeps old as the backup, then replaces the state file.
func (l *Local) writeSnapshot(old, data []byte) (err error) {
	if data, err = sealFile(data, l.cipher); err != nil {
		return err
	}
	if old != nil {
		if old, err = sealFile(old, l.cipher); err != nil {
			return err
		}
		if err := writeFileAtomic(l.backupPath, old, 0o600); err != nil {
			return fmt.Errorf("could not keep the previous state as the backup %s (the state file is unchanged): %w", l.backupPath, err)
		}
	}
	if err := writeFileAtomic(l.path, data, 0o600); err != nil {
		return fmt.Errorf("could not write the state file %s (it still holds the previous state, and the journal the changes): %w", l.path, err)
	}
	return nil
}

// removeJournal closes and removes the journal, durably. Every line in it
// was fsync'd when appended, so an error closing it changes nothing.
func (l *Local) removeJournal() error {
	_ = l.closeJournal()
	err := os.Remove(l.journalPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = syncDir(filepath.Dir(l.journalPath))
	}
	if err != nil {
		return fmt.Errorf("could not remove the state journal %s after writing the state file (the next run will find it and skip it): %w", l.journalPath, err)
	}
	return nil
}
