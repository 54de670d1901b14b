package providers

import (
	"context"
	"time"
)

// EvidenceStore keeps the documents a provider archives as evidence (a
// verification's reports, the analysis its detail shows). The engine
// implements it: it writes each file under the evidence directory, durably,
// encrypted when the state is, and records the file's digest in the audit
// log. Providers never write evidence files themselves.
type EvidenceStore interface {
	// Store writes data as the file name under dir (a directory the
	// provider's configuration names, absolute) for the resource addr, and
	// returns what it recorded. name must not carry personal data: a
	// reference code and a kind, never a NIK or a name.
	Store(ctx context.Context, req EvidenceRequest) (EvidenceFile, error)
}

// EvidenceRequest is one document to archive.
type EvidenceRequest struct {
	// Dir is the evidence directory, absolute.
	Dir string
	// Name is the file name, without directories
	// (EMP-260211-7874.credit.pdf).
	Name string
	// Resource is the address of the resource the document belongs to.
	Resource string
	// Provider names the provider, for the audit log.
	Provider string
	// Kind says what the document is ("credit_report", "analysis").
	Kind string
	Data []byte
}

// EvidenceFile is what the engine recorded of an archived document.
type EvidenceFile struct {
	// Path is where the file is, relative to the configuration directory
	// when under it (with a ".enc" suffix when encrypted).
	Path string
	// SHA256 is the hex digest of the document as received (before any
	// encryption), Size its length in bytes.
	SHA256 string
	Size   int64
	// Time is when it was archived.
	Time      time.Time
	Encrypted bool
}
