package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// HeadFileName is where a working directory records its audit log's head,
// relative to the directory of the log.
const HeadFileName = ".daftar/audit.head"

// Head is the position of a log's last line, recorded outside the log: a
// hash chain cannot show that lines were removed from its end, and a head
// kept elsewhere can. Every command that appends to the log records its
// head in .daftar/audit.head; reports print it; daftar audit verify checks
// both against the log.
type Head struct {
	// Log is the log's file name (daftar.audit.jsonl).
	Log string `json:"log"`
	// Seq is the seq (and line number) of the line; 0 for an empty log.
	Seq uint64 `json:"seq"`
	// SHA256 is the digest of that line, as the next line's prev names it.
	SHA256 string `json:"sha256"`
	// Time and RunID say when and by which run the head was recorded.
	Time  time.Time `json:"time"`
	RunID string    `json:"run_id"`
}

// HeadPath is the head file of the log at logPath.
func HeadPath(logPath string) string {
	return filepath.Join(filepath.Dir(logPath), filepath.FromSlash(HeadFileName))
}

// WriteHead records h for the log at logPath, replacing the file
// atomically (temporary file, fsync, rename).
func WriteHead(logPath string, h Head) error {
	path := HeadPath(logPath)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("recording the audit log's head: %w", err)
	}
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".audit.head.tmp-*")
	if err != nil {
		return fmt.Errorf("recording the audit log's head: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("recording the audit log's head: %w", err)
	}
	return nil
}

// ReadHead returns the head recorded for the log at logPath, nil when none
// is (or when the head file belongs to a log of another name).
func ReadHead(logPath string) (*Head, error) {
	data, err := os.ReadFile(HeadPath(logPath))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the audit log's head: %w", err)
	}
	var h Head
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("the audit head %s is damaged: %v", HeadPath(logPath), err)
	}
	if h.Log != filepath.Base(logPath) {
		return nil, nil
	}
	return &h, nil
}

// Summary is what Check found in a log whose chain holds.
type Summary struct {
	// Lines is the number of lines.
	Lines int
	// Head is the digest of the last line (the sha256 of nothing for an
	// empty log).
	Head string
	// First and Last are the times of the first and last lines.
	First, Last time.Time
	// Runs is the number of distinct runs that wrote lines; Requests the
	// number of request lines, Failed those whose outcome was not ok.
	Runs, Requests, Failed int
}

// Check verifies the chain as Verify does and summarises the log. The
// lines before a break are summarised too.
func Check(r io.Reader) (Summary, error) {
	return CheckEach(r, nil)
}

// AnchorError reports a log that does not reach a head recorded elsewhere:
// lines were removed from its end, or it was rewritten.
type AnchorError struct {
	// Source names where the head was recorded.
	Source string
	Want   Head
	// Lines is how many lines the log has.
	Lines int
	// Got is the digest of line Want.Seq, "" when the log is shorter.
	Got string
}

func (e *AnchorError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("the log ends at line %d, but %s records line %d (sha256 %s): lines were removed from its end",
			e.Lines, e.Source, e.Want.Seq, e.Want.SHA256)
	}
	return fmt.Sprintf("line %d has sha256 %s, but %s records %s for it: the log was rewritten from that line on or before",
		e.Want.Seq, e.Got, e.Source, e.Want.SHA256)
}

// CheckAnchor checks that the log at path holds line h.Seq with digest
// h.SHA256 (a longer log is fine: later runs appended to it). When h.Seq
// is 0, any line with the digest h.SHA256 will do (a digest copied from a
// report or a verify without its line number). The chain itself is checked
// by Check.
func CheckAnchor(path string, h Head, source string) error {
	if h.SHA256 == genesis {
		return nil // the head of an empty log: every log continues it
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	found := ""
	lines, err := walk(f, func(n int, raw []byte) {
		d := digestHex(raw)
		if (h.Seq == 0 && d == h.SHA256) || (h.Seq != 0 && uint64(n) == h.Seq) {
			found = d
		}
	})
	if err != nil {
		return err
	}
	switch {
	case h.Seq == 0 && found == "":
		return fmt.Errorf("no line of the log has the sha256 %s given by %s: the line it named was removed or altered", h.SHA256, source)
	case h.Seq == 0 || found == h.SHA256:
		return nil
	}
	return &AnchorError{Source: source, Want: h, Lines: lines, Got: found}
}
