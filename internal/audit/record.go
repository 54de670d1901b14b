package audit

import (
	"encoding/json"
	"io"
	"time"
)

// Record is one line of an audit log as a reader sees it (a report).
type Record struct {
	Seq      uint64    `json:"seq"`
	Event    string    `json:"event"`
	Time     time.Time `json:"time"`
	RunID    string    `json:"run_id"`
	Command  string    `json:"command"`
	Resource string    `json:"resource"`
	Provider string    `json:"provider"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Status   int       `json:"status"`
	Code     string    `json:"code"`
	Outcome  Outcome   `json:"outcome"`
	// Kind, File, SHA256, Size and Encrypted are an evidence line's.
	Kind      string `json:"kind,omitempty"`
	File      string `json:"file,omitempty"`
	SHA256    string `json:"sha256,omitempty"`
	Size      int64  `json:"size,omitempty"`
	Encrypted bool   `json:"encrypted,omitempty"`
}

// CheckEach is Check that also hands each line whose chain holds, decoded,
// to each, in order.
func CheckEach(r io.Reader, each func(Record)) (Summary, error) {
	s := Summary{Head: genesis}
	runs := map[string]bool{}
	n, err := walk(r, func(n int, raw []byte) {
		s.Head = digestHex(raw)
		var rec Record
		if json.Unmarshal(raw, &rec) != nil {
			return
		}
		if n == 1 {
			s.First = rec.Time
		}
		s.Last = rec.Time
		runs[rec.RunID] = true
		if rec.Event == eventRequest {
			s.Requests++
			if rec.Outcome != OK {
				s.Failed++
			}
		}
		if each != nil {
			each(rec)
		}
	})
	s.Lines, s.Runs = n, len(runs)
	return s, err
}
