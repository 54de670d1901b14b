package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// formatVersion is the "v" of every line this code writes.
const formatVersion = 1

// Line events.
const (
	eventRequest          = "request"
	eventSent             = "sent"
	eventRepairedTornLine = "repaired_torn_line"
)

// genesis is the prev of a log's first line: the sha256 of nothing.
var genesis = digestHex(nil)

// requestLine is the on-disk form of an Entry. The field order is the order
// on disk; hash is appended after encoding (see seal).
type requestLine struct {
	V                  int     `json:"v"`
	Seq                uint64  `json:"seq"`
	Event              string  `json:"event"`
	Time               string  `json:"time"`
	RunID              string  `json:"run_id"`
	Command            string  `json:"command"`
	Resource           string  `json:"resource"`
	Provider           string  `json:"provider"`
	Method             string  `json:"method"`
	Path               string  `json:"path"`
	Status             int     `json:"status"`
	Code               string  `json:"code"`
	DurationMS         float64 `json:"duration_ms"`
	RequestSHA256      string  `json:"request_sha256"`
	ResponseSHA256     string  `json:"response_sha256"`
	ResponseIncomplete bool    `json:"response_incomplete,omitempty"`
	Outcome            Outcome `json:"outcome"`
	Prev               string  `json:"prev"`
}

// sentLine records a request that is not safe to repeat as it leaves,
// before its answer: a run killed before the answer still leaves it.
type sentLine struct {
	V             int    `json:"v"`
	Seq           uint64 `json:"seq"`
	Event         string `json:"event"`
	Time          string `json:"time"`
	RunID         string `json:"run_id"`
	Command       string `json:"command"`
	Resource      string `json:"resource"`
	Provider      string `json:"provider"`
	Method        string `json:"method"`
	Path          string `json:"path"`
	RequestSHA256 string `json:"request_sha256"`
	Prev          string `json:"prev"`
}

// repairLine records that Open cut a torn last line away.
type repairLine struct {
	V       int    `json:"v"`
	Seq     uint64 `json:"seq"`
	Event   string `json:"event"`
	Time    string `json:"time"`
	RunID   string `json:"run_id"`
	Command string `json:"command"`
	// TornBytes and TornSHA256 describe the bytes removed.
	TornBytes  int64  `json:"torn_bytes"`
	TornSHA256 string `json:"torn_sha256"`
	Prev       string `json:"prev"`
}

// lineHead is what Verify and Open read from every line.
type lineHead struct {
	Seq  *uint64 `json:"seq"`
	Prev *string `json:"prev"`
}

// hashSuffix is how every line ends: `,"hash":"<64 hex>"}`.
const (
	hashPrefix = `,"hash":"`
	hashSuffix = len(hashPrefix) + sha256.Size*2 + len(`"}`)
)

func digestHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// seal encodes v and appends its own digest as the last member, "hash": the
// sha256 of the line as it would read without that member. The result has
// no trailing newline.
func seal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	sum := digestHex(body)
	out := make([]byte, 0, len(body)+hashSuffix)
	out = append(out, body[:len(body)-1]...)
	out = append(out, hashPrefix...)
	out = append(out, sum...)
	return append(out, `"}`...), nil
}

// unseal checks a line's own digest and returns its seq and prev.
func unseal(line []byte) (seq uint64, prev string, err error) {
	if len(line) < hashSuffix+2 || !bytes.HasSuffix(line, []byte(`"}`)) {
		return 0, "", errors.New("it does not end with its hash")
	}
	cut := len(line) - hashSuffix
	if string(line[cut:cut+len(hashPrefix)]) != hashPrefix {
		return 0, "", errors.New("it does not end with its hash")
	}
	want := string(line[cut+len(hashPrefix) : len(line)-2])
	body := append(append([]byte{}, line[:cut]...), '}')
	if digestHex(body) != want {
		return 0, "", errors.New("its content does not match its hash: the line was edited")
	}
	var h lineHead
	if err := json.Unmarshal(line, &h); err != nil {
		return 0, "", errors.New("it is not valid JSON")
	}
	if h.Seq == nil || h.Prev == nil {
		return 0, "", errors.New("it has no seq or prev")
	}
	return *h.Seq, *h.Prev, nil
}
