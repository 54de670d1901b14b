package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/daftar-dev/daftar/internal/crypt"
)

// CorruptError reports a state file daftar cannot read, and the backup to
// restore it from.
type CorruptError struct {
	Path   string
	Backup string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the state file %s is damaged: %v; the state before the last write is kept in %s: check it and copy it over %s to restore it",
		e.Path, e.Err, e.Backup, e.Path)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Load reads the snapshot and replays the journal over it. Entries already
// in the snapshot (a crash between a Compact's rename and its removal of
// the journal) are skipped; the loaded serial is the highest serial of the
// snapshot and the replayed entries, so a state changed by an interrupted
// apply has a higher serial than the one a plan saw before it.
func (l *Local) Load(ctx context.Context) (*State, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped before reading the state: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.loadLocked()
}

func (l *Local) loadLocked() (*State, error) {
	s, exists, err := l.readSnapshot()
	if err != nil {
		return nil, err
	}
	sc, err := l.readJournal()
	if err != nil {
		return nil, err
	}
	if err := l.replay(s, exists, sc.entries); err != nil {
		return nil, err
	}
	l.appended.Store(false)
	l.base = storedBase{known: true, exists: exists || len(sc.entries) > 0,
		lineage: s.Lineage, serial: s.Serial, journalValid: sc.valid, journalFound: sc.found}
	if l.journal != nil {
		l.base.journalValid = l.journal.size
	}
	return s, nil
}

// readSnapshot reads the state file; an absent one is a new state. A
// plain file in daftar's layout is decoded as it is read, a chunk at a
// time (decodeStream), never held whole; an encrypted one is one
// authenticated message, decrypted whole; anything decodeStream declines
// is read again whole and decoded by decodeState, whose errors the user
// sees. The records of a plain file may leave their attributes in it
// (attrfile.go): the file then stays open, read back while they are in
// use, and closed by the garbage collector once none is.
func (l *Local) readSnapshot() (*State, bool, error) {
	info, err := os.Stat(l.path)
	if err == nil && !info.Mode().IsRegular() {
		// A folder or a device (whose reading may never end) is no state.
		return nil, false, fmt.Errorf("the state file %s is not a regular file: give -state the path of a file", l.path)
	}
	var f *os.File
	if err == nil {
		f, err = os.Open(l.path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return New(), false, nil
	}
	if err != nil {
		return nil, false, l.snapshotReadError(err)
	}
	kept := false // the records' attributes are read back from f: it stays open
	defer func() {
		if !kept {
			f.Close()
		}
	}()
	magic := make([]byte, len(crypt.Magic))
	n, err := f.ReadAt(magic, 0)
	if err != nil && err != io.EOF {
		return nil, false, l.snapshotReadError(err)
	}
	if l.cipher == nil && !crypt.IsEncrypted(magic[:n]) {
		var s *State
		var ok bool
		s, ok, kept, err = decodeStream(f, l.path, info.Size())
		var verr *VersionError
		switch {
		case errors.As(err, &verr):
			return nil, false, err
		case err != nil:
			return nil, false, l.snapshotReadError(err)
		case ok:
			return s, true, nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, false, l.snapshotReadError(err)
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, false, l.snapshotReadError(err)
	}
	if data, err = openFile(data, "state file", l.path, l.cipher); isSettingsError(err) {
		return nil, false, err
	} else if err != nil {
		return nil, false, &CorruptError{Path: l.path, Backup: l.backupPath, Err: err}
	}
	s, err := decodeState(data, l.path)
	var verr *VersionError
	if errors.As(err, &verr) {
		return nil, false, err
	}
	if err != nil {
		return nil, false, &CorruptError{Path: l.path, Backup: l.backupPath, Err: err}
	}
	return s, true, nil
}

// readJournal reads the journal; an absent one is empty.
func (l *Local) readJournal() (*journalScan, error) {
	data, err := os.ReadFile(l.journalPath)
	if errors.Is(err, fs.ErrNotExist) {
		return &journalScan{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the state journal %s: %w", l.journalPath, err)
	}
	sc, err := scanJournalWith(data, l.journalPath, lineDecoder(l.journalPath, l.cipher))
	if sc != nil {
		sc.found = true
	}
	return sc, err
}

// replay applies the journal entries that follow the snapshot to s. Each
// entry must belong to the same lineage and continue the serials without a
// gap: a gap means the snapshot is older than the journal (restored by hand,
// or deleted), and replaying over it would silently lose changes.
func (l *Local) replay(s *State, snapshotExists bool, entries []*entry) error {
	return l.replayWith(s, snapshotExists, entries, s.Apply)
}

// replayWith is replay with the entries' updates given to apply rather
// than applied to s (a View keeps them apart from its snapshot); s's
// lineage and serial are set as replay sets them.
func (l *Local) replayWith(s *State, snapshotExists bool, entries []*entry, apply func(Update)) error {
	if !snapshotExists && len(entries) > 0 {
		s.Lineage = entries[0].Lineage
	}
	snapshotSerial := s.Serial
	for _, e := range entries {
		if e.Lineage != s.Lineage {
			return l.journalMismatch(fmt.Sprintf("its entries belong to the state with lineage %s, and %s has lineage %s", e.Lineage, l.path, s.Lineage))
		}
		if e.Serial <= snapshotSerial {
			continue // already in the snapshot
		}
		if e.Serial > s.Serial+1 {
			return l.journalMismatch(fmt.Sprintf("it continues the state at serial %d, and the state file is at serial %d (was it restored from a backup, or removed?)", e.Serial-1, s.Serial))
		}
		apply(e.update())
		s.Serial = max(s.Serial, e.Serial)
	}
	return nil
}

func (l *Local) journalMismatch(why string) error {
	return fmt.Errorf("the state journal %s does not fit the state file %s: %s. "+
		"The journal holds changes not yet in the state file; put back the state file it continues, "+
		"or, to give those changes up, move the journal away", l.journalPath, l.path, why)
}
