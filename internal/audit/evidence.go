package audit

import "time"

// eventEvidence records a document archived as evidence.
const eventEvidence = "evidence"

// Evidence is one archived document: what it is, where it was written and
// the digest of its content as received.
type Evidence struct {
	Time     time.Time
	Resource string
	Provider string
	// Kind says what the document is ("credit_report", "analysis").
	Kind string
	// File is the file's path as the report and daftar audit verify find
	// it: relative to the configuration directory when under it.
	File string
	// SHA256 and Size describe the content as received, before any
	// encryption.
	SHA256    string
	Size      int64
	Encrypted bool
}

type evidenceLine struct {
	V         int    `json:"v"`
	Seq       uint64 `json:"seq"`
	Event     string `json:"event"`
	Time      string `json:"time"`
	RunID     string `json:"run_id"`
	Command   string `json:"command"`
	Resource  string `json:"resource"`
	Provider  string `json:"provider"`
	Kind      string `json:"kind"`
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Encrypted bool   `json:"encrypted,omitempty"`
	Prev      string `json:"prev"`
}

// RecordEvidence appends an "evidence" line for e and returns once it is
// on disk.
func (l *Log) RecordEvidence(e Evidence) error {
	return l.append(func(seq uint64, prev string) any {
		return evidenceLine{
			V: formatVersion, Seq: seq, Event: eventEvidence,
			Time: formatTime(e.Time), RunID: l.opts.RunID, Command: l.opts.Command,
			Resource: e.Resource, Provider: e.Provider, Kind: e.Kind, File: e.File,
			SHA256: e.SHA256, Size: e.Size, Encrypted: e.Encrypted, Prev: prev,
		}
	})
}

// IsEvidence reports whether r is an evidence line.
func (r Record) IsEvidence() bool { return r.Event == eventEvidence }
