package proofylink

import (
	"os"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
	"github.com/zclconf/go-cty/cty"
)

// The documents' size limits, read as binary megabytes.
const (
	maxKTPBytes     = 4 << 20
	maxConsentBytes = 10 << 20
)

// fileInput is one file attribute: its path attribute, the computed
// attribute holding its content digest, and its size limit.
type fileInput struct {
	name, digestName string
	maxBytes         int64
}

var fileInputs = [...]fileInput{
	{"ktp_image", "ktp_image_sha256", maxKTPBytes},
	{"form_consent", "form_consent_sha256", maxConsentBytes},
}

// validateFiles checks that each file named exists and is within its limit.
func (p *Provider) validateFiles(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	for _, f := range fileInputs {
		name, ok := check(cfg, f.name)
		if !ok {
			continue
		}
		if _, err := validate.File(p.conf().baseDir, name, f.maxBytes); err != nil {
			diags = diags.Errorf(path(f.name), "Unusable "+f.name, "%s: %s.", f.name, err)
		}
	}
	return diags
}

// readInput reads the file of f named in cfg; nil data and no error when
// the attribute is null.
func (p *Provider) readInput(cfg cty.Value, f fileInput) ([]byte, error) {
	name, ok := check(cfg, f.name)
	if !ok {
		return nil, nil
	}
	return validate.ReadFile(p.conf().baseDir, name, f.maxBytes)
}

// fileDigest is the planned digest of f's content: unknown when the path
// is, null when the attribute is null.
func (p *Provider) fileDigest(cfg cty.Value, f fileInput) (cty.Value, providers.Diagnostics) {
	v := attr(cfg, f.name)
	if !v.IsKnown() {
		return cty.UnknownVal(cty.String), nil
	}
	if v.IsNull() {
		return cty.NullVal(cty.String), nil
	}
	name, _ := check(cfg, f.name)
	c := p.conf()
	if d, ok := c.digests.get(c.baseDir, name, f.name); ok {
		return cty.StringVal(d), nil
	}
	data, err := p.readInput(cfg, f)
	if err != nil {
		return cty.UnknownVal(cty.String), providers.Diagnostics{}.Errorf(path(f.name), "Unusable "+f.name, "%s: %s.", f.name, err)
	}
	d := p.digest(f.name, data)
	c.digests.put(c.baseDir, name, f.name, data, d)
	return cty.StringVal(d), nil
}

// fileDigests remembers the digest of each file a plan read, with the
// size and modification time it had: a batch whose rows share one consent
// form (or one KTP image, in a test) reads it once, not once per row. A
// file whose size or modification time changed is read again.
type fileDigests struct {
	m sync.Map // fileDigestKey → fileDigest
}

type fileDigestKey struct{ baseDir, path, attr string }

type fileDigest struct {
	size    int64
	modTime time.Time
	digest  string
}

func (c *fileDigests) get(baseDir, p, attr string) (string, bool) {
	v, ok := c.m.Load(fileDigestKey{baseDir, p, attr})
	if !ok {
		return "", false
	}
	d := v.(fileDigest)
	info, err := os.Stat(validate.ResolvePath(baseDir, p))
	if err != nil || !info.Mode().IsRegular() || info.Size() != d.size || !info.ModTime().Equal(d.modTime) {
		return "", false
	}
	return d.digest, true
}

func (c *fileDigests) put(baseDir, p, attr string, data []byte, digest string) {
	info, err := os.Stat(validate.ResolvePath(baseDir, p))
	if err != nil || info.Size() != int64(len(data)) {
		return // changed while read: not remembered
	}
	c.m.Store(fileDigestKey{baseDir, p, attr}, fileDigest{size: info.Size(), modTime: info.ModTime(), digest: digest})
}

// digest is the keyed digest of value for the attribute name.
func (p *Provider) digest(name string, value []byte) string {
	return p.conf().digester.Digest(verificationType+"."+name, value)
}
