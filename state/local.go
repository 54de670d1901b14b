package state

import (
	"path/filepath"
	"sync"
	"sync/atomic"
)

// DefaultPath is the state file of a working directory.
const DefaultPath = "daftar.state.json"

// LocalOptions adjusts a local backend. The zero value is the default.
type LocalOptions struct {
	// JournalDir is the directory of the journal. Default: .daftar/journal
	// in the directory of the state file. The journal inside is named after
	// the state file (daftar.state.json.journal), so several state files
	// may share one directory.
	JournalDir string
	// Cipher, when set, encrypts the snapshot, its backup and every
	// journal line (see package crypt); files in plaintext are then
	// refused, as encrypted files are without it. Nil keeps them in
	// plaintext.
	Cipher Cipher
}

// Local is the backend of a state kept in a file on this machine: a
// snapshot (daftar.state.json), its backup (daftar.state.json.backup), an
// append-only journal of the changes since the snapshot, and a lock file
// (daftar.state.json.lock). See docs/state.md for the formats and the
// guarantees.
//
// Apply may be called from many goroutines at once; Load, Compact and Close
// wait for the Applys under way and exclude each other.
type Local struct {
	path        string
	backupPath  string
	lockPath    string
	journalDir  string
	journalPath string
	cipher      Cipher

	// mu is shared by Apply and held alone by Load, Compact and Close.
	mu sync.RWMutex
	// base is what this handle knows of the stored state; Apply before
	// any Load or Compact loads it first.
	base    storedBase
	journal *journalWriter // open for appending, or nil
	// journalAttrs is the journal open for reading: the records Apply
	// writes leave their attributes there (leaveInJournal). Nil when
	// they are kept in memory (an encrypted journal, Windows).
	journalAttrs *snapshotFile
	// appended is set by Apply, and cleared by a load or a compaction:
	// something was recorded that the snapshot does not hold.
	appended atomic.Bool
	// holder is the lock this handle holds, whose loss stops its writes.
	holder atomic.Pointer[fileLock]
}

// storedBase is what a handle knows of the stored state: enough to write
// journal entries and to check a Compact, without holding the state.
type storedBase struct {
	known   bool
	exists  bool // a snapshot or journal entries are stored
	lineage string
	// serial is the serial of the state as last loaded or compacted;
	// Apply writes entries with serial+1.
	serial uint64
	// journalValid is where the journal's last intact line ends; a torn
	// tail after it is cut off before appending.
	journalValid int64
	// journalFound is set when the last load found a journal file.
	journalFound bool
}

var _ Backend = (*Local)(nil)

// NewLocal returns the local backend of the state file at path (DefaultPath
// when empty). It touches no file until a method is called.
func NewLocal(path string, opts LocalOptions) *Local {
	if path == "" {
		path = DefaultPath
	}
	dir := opts.JournalDir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(path), ".daftar", "journal")
	}
	return &Local{
		path:        path,
		backupPath:  path + ".backup",
		lockPath:    path + ".lock",
		journalDir:  dir,
		journalPath: filepath.Join(dir, filepath.Base(path)+".journal"),
		cipher:      opts.Cipher,
	}
}

// Path is the state file.
func (l *Local) Path() string { return l.path }

// BackupPath is where the snapshot before the last Compact is kept.
func (l *Local) BackupPath() string { return l.backupPath }

// LockPath is the lock file.
func (l *Local) LockPath() string { return l.lockPath }

// JournalPath is the journal file.
func (l *Local) JournalPath() string { return l.journalPath }

// JournalFound reports whether the last Load found a journal: the changes
// of an apply that was not compacted, or the torn tail of one. Without
// one, a Compact of the state as loaded writes nothing, so a command that
// only folds a left-over journal can skip it: encoding a large state just
// to find it unchanged costs about as much as loading it.
func (l *Local) JournalFound() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.base.known || l.base.journalFound
}

// Unchanged reports whether the snapshot on disk is the state as loaded:
// it exists, the load found no journal, and nothing was recorded since
// (or a compaction wrote all of it). Compacting then would encode the
// whole state only to find it unchanged: a no-change apply of 100,000
// resources skips it.
func (l *Local) Unchanged() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base.known && l.base.exists && !l.base.journalFound && !l.appended.Load()
}

// Close closes the journal file if Apply opened it. The handle stays
// usable: a later Apply opens the journal again.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.journal != nil {
		// The journal opened again after this must not be cut back to
		// where the last load found it ended: the lines appended since
		// are durable, and records read their attributes from them.
		l.base.journalValid = l.journal.size
	}
	return l.closeJournal()
}

func (l *Local) closeJournal() error {
	if l.journal == nil {
		return nil
	}
	err := l.journal.close()
	l.journal, l.journalAttrs = nil, nil
	return err
}
