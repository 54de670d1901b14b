package proofylink

import (
	"encoding/base64"
	"sync/atomic"
	"time"

	"github.com/daftar-dev/daftar/providers/internal/validate"
	"github.com/zclconf/go-cty/cty"
)

// sentFile is a file as a create sends it: its content as the body
// carries it (standard base64) and the digest the state records, with
// what was read of the file (resolved path, size, modification time)
// when it was read.
type sentFile struct {
	full    string
	size    int64
	modTime time.Time
	b64     string
	digest  string
}

// sentFiles keeps, for each file attribute (fileInputs' order), the last
// file a create read: a batch whose rows share one consent form reads it,
// digests it and encodes it once, not once per verification (a 1 MB
// form at 100,000 rows was 100 GB read, digested and encoded). Each
// create still looks at the file (one stat): one whose path, size or
// modification time differs is read again, so a file changed during the
// apply is sent as it is then, and a file gone fails the create as
// before. Only one file per attribute is kept, so per-row KTP images hold
// one image, not the batch's.
type sentFiles struct {
	last [2]atomic.Pointer[sentFile]
}

// sendable is the file of fileInputs[i] named in cfg as a create sends it;
// nil and no error when the attribute is null.
func (p *Provider) sendable(cfg cty.Value, i int) (*sentFile, error) {
	in := fileInputs[i]
	name, ok := check(cfg, in.name)
	if !ok {
		return nil, nil
	}
	c := p.conf()
	full, info, err := validate.StatFile(c.baseDir, name, in.maxBytes)
	if err != nil {
		return nil, err
	}
	last := &c.sent.last[i]
	if s := last.Load(); s != nil && s.full == full && s.size == info.Size() && s.modTime.Equal(info.ModTime()) {
		return s, nil
	}
	data, err := validate.ReadFile(c.baseDir, name, in.maxBytes)
	if err != nil {
		return nil, err
	}
	s := &sentFile{full: full, size: info.Size(), modTime: info.ModTime(),
		b64: base64.StdEncoding.EncodeToString(data), digest: p.digest(in.name, data)}
	if int64(len(data)) == info.Size() {
		// Read as it was looked at (a file written meanwhile has another
		// modification time, and is read again by the next create).
		last.Store(s)
	}
	return s, nil
}
