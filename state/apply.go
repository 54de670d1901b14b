package state

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Apply appends u to the journal and returns once it is durable (written
// and fsync'd). Concurrent calls share one write and one fsync (group
// commit). The cost is that of encoding u, whatever the size of the state;
// only the first Apply of a handle that has not loaded the state reads it,
// to learn its lineage and serial.
//
// After a failed fsync the journal refuses every further Apply of this
// handle: the kernel may have dropped what was written, so the caller must
// stop and let the next run load what reached the disk.
//
// Once the line is durable, each record of u.Set whose attributes it holds
// verbatim is replaced in u.Set by a copy that leaves them there
// (attrjournal.go), unless the journal is encrypted.
func (l *Local) Apply(ctx context.Context, u Update) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped before recording a change to the state: %w", err)
	}
	if u.Empty() {
		return nil
	}
	if err := u.check(); err != nil {
		return err
	}
	// The lock is checked before the journal is opened (which may cut a
	// torn line off it), then by the journal before each batch of lines
	// is written (journalWriter.gate): a stat per batch, not per line.
	l.mu.RLock()
	for l.journal == nil {
		l.mu.RUnlock()
		if err := l.stillLocked(ctx); err != nil {
			return err
		}
		if err := l.openJournal(); err != nil {
			return err
		}
		l.mu.RLock()
	}
	defer l.mu.RUnlock()
	l.appended.Store(true)
	line, err := encodeLine(l.base.lineage, l.base.serial+1, u)
	if err == nil {
		line, err = sealLine(line, l.cipher)
	}
	if err != nil {
		return err
	}
	off, err := l.journal.append(line)
	if err != nil {
		return err
	}
	if l.journalAttrs != nil && l.cipher == nil {
		leaveInJournal(u.Set, line, off, l.journalAttrs)
	}
	return nil
}

// check rejects an update that would corrupt the state.
func (u Update) check() error {
	for _, r := range u.Set {
		if r == nil || r.Address == "" {
			return errors.New("internal error: a state change sets a resource without an address")
		}
	}
	return nil
}

// openJournal opens the journal for appending, loading the stored state
// first if this handle has not, and cutting off a torn last line so that
// new lines follow the last intact one.
func (l *Local) openJournal() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.journal != nil {
		return nil
	}
	if !l.base.known {
		if _, err := l.loadLocked(); err != nil {
			return err
		}
	}
	if err := mkdirDurable(l.journalDir, 0o700); err != nil {
		return fmt.Errorf("could not create the journal directory %s: %w", l.journalDir, err)
	}
	f, err := l.openJournalFile()
	if err != nil {
		return fmt.Errorf("could not open the state journal %s: %w", l.journalPath, err)
	}
	l.journal = newJournalWriter(f, l.journalPath, l.base.journalValid)
	l.journal.gate = func() error { return l.stillLocked(context.Background()) }
	l.journalAttrs = nil
	if leaveInFile && l.cipher == nil {
		// The file just opened, under the state lock: the same one.
		if r, err := os.Open(l.journalPath); err == nil {
			l.journalAttrs = &snapshotFile{f: r, path: l.journalPath, size: &l.journal.durableSize}
		}
	}
	return nil
}

func (l *Local) openJournalFile() (*os.File, error) {
	_, statErr := os.Stat(l.journalPath)
	f, err := os.OpenFile(l.journalPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() > l.base.journalValid {
		if err = f.Truncate(l.base.journalValid); err == nil {
			err = f.Sync()
		}
	}
	if err == nil && statErr != nil {
		err = syncDir(l.journalDir) // the new file's entry must survive a crash
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
