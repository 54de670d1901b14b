package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Errors a mutation can fail with; handlers map them to each API's message.
var (
	errDuplicateUsername = errors.New("duplicate username")
	errDuplicateEmail    = errors.New("duplicate email")
	errDuplicatePhone    = errors.New("duplicate phone number")
	errNoAccount         = errors.New("no such account")
	errNoTokens          = errors.New("insufficient token balance")
	errStoreClosed       = errors.New("sandbox store is closed")
)

const recordsFile = "records.jsonl"

// store keeps every record in memory, indexed, and appends each mutation to
// records.jsonl (when a directory is given) with one write before the
// mutation becomes visible. The write happens under the store's lock, so
// the log's order is the order in which mutations were applied.
type store struct {
	mu       sync.RWMutex
	log      *os.File // nil when in memory
	lock     *dirLock
	accounts map[string]*account // by username
	byEmail  map[string]*account // by lower-cased email
	byPhone  map[string]*account
	accOrder []*account
	verifs   map[string]*verification // by reference_code
	verOrder []*verification
	tokens   int
	codeSeq  map[string]int // "EMP-260211" → last sequence number used
	closed   bool
}

func newMemoryStore(tokens int) *store {
	return &store{
		accounts: map[string]*account{},
		byEmail:  map[string]*account{},
		byPhone:  map[string]*account{},
		verifs:   map[string]*verification{},
		codeSeq:  map[string]int{},
		tokens:   tokens,
	}
}

// openStore locks dir, replays dir/records.jsonl and opens it for appending.
// tokens is the balance written at first start only.
func openStore(dir string, tokens int) (*store, error) {
	if dir == "" {
		return newMemoryStore(tokens), nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := replayStore(filepath.Join(dir, recordsFile), tokens)
	if err != nil {
		lock.release()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func replayStore(path string, tokens int) (*store, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox store: %w", err)
	}
	s := newMemoryStore(tokens)
	good, lines, err := s.replay(f, path)
	if err == nil {
		err = f.Truncate(good) // drop a torn last line, if any
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	s.log = f
	if lines == 0 {
		err = s.append(entry{Op: "init", Version: storeVersion, Tokens: tokens})
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// replay applies every complete line of r and returns the length of the
// complete lines and their count. A final line without a newline is a write
// torn by a crash: it was never acknowledged, so it is ignored.
func (s *store) replay(r io.Reader, path string) (good int64, lines int, err error) {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return good, lines, nil
		}
		if err != nil {
			return 0, 0, fmt.Errorf("sandbox store %s: %w", path, err)
		}
		lines++
		if err := s.replayLine(line); err != nil {
			return 0, 0, fmt.Errorf("sandbox store %s line %d: %w", path, lines, err)
		}
		good += int64(len(line))
	}
}

func (s *store) replayLine(line []byte) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	var e entry
	if err := json.Unmarshal(line, &e); err != nil {
		return err
	}
	if e.Op == "init" && e.Version > storeVersion {
		return fmt.Errorf("written by a newer sandbox (format %d, this one reads %d); upgrade daftar", e.Version, storeVersion)
	}
	return s.apply(e)
}

// apply makes a logged mutation visible. It is the only code that changes
// the maps, for replay and for live requests alike.
func (s *store) apply(e entry) error {
	switch e.Op {
	case "init":
		s.tokens = e.Tokens
	case "account":
		s.applyAccount(e.Account)
	case "profile":
		a := s.accounts[e.Username]
		if a == nil {
			return fmt.Errorf("profile for unknown account %q", e.Username)
		}
		a.Profile = e.Profile
	case "verification":
		s.applyVerification(e.Verification)
	default:
		return fmt.Errorf("unknown record %q", e.Op)
	}
	return nil
}

func (s *store) applyAccount(a *account) {
	s.accounts[a.Username] = a
	s.byEmail[strings.ToLower(a.Email)] = a
	if a.PhoneNumber != "" {
		s.byPhone[a.PhoneNumber] = a
	}
	s.accOrder = append(s.accOrder, a)
}

func (s *store) applyVerification(v *verification) {
	s.verifs[v.ReferenceCode] = v
	s.verOrder = append(s.verOrder, v)
	s.tokens--
	prefix, n, ok := splitReferenceCode(v.ReferenceCode)
	if ok && n > s.codeSeq[prefix] {
		s.codeSeq[prefix] = n
	}
}

// append writes e as one line with a single write. Callers hold s.mu.
func (s *store) append(e entry) error {
	if s.log == nil {
		return nil
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := s.log.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("sandbox store: %w", err)
	}
	return nil
}

// commit logs e and applies it. Callers hold s.mu for writing.
func (s *store) commit(e entry) error {
	if s.closed {
		return errStoreClosed
	}
	if err := s.append(e); err != nil {
		return err
	}
	return s.apply(e)
}

// close flushes and closes the log and releases the directory lock.
func (s *store) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	var err error
	if s.log != nil {
		err = errors.Join(s.log.Sync(), s.log.Close())
		s.log = nil
	}
	if s.lock != nil {
		err = errors.Join(err, s.lock.release())
		s.lock = nil
	}
	return err
}
