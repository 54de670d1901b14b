package command

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/providers"
)

// encryptedSuffix ends the name of an evidence file encrypted as the state
// is.
const encryptedSuffix = ".enc"

// evidenceStore is the engine's providers.EvidenceStore: it writes each
// document under its directory, privately and atomically, encrypted when
// the state is, then records its digest in the audit log.
type evidenceStore struct {
	m *Meta
	t *transports
}

var _ providers.EvidenceStore = (*evidenceStore)(nil)

func (s *evidenceStore) Store(_ context.Context, req providers.EvidenceRequest) (providers.EvidenceFile, error) {
	var none providers.EvidenceFile
	if req.Name == "" || strings.ContainsAny(req.Name, `/\`) || req.Name == "." || req.Name == ".." {
		return none, fmt.Errorf("evidence file name %q is not a plain file name", req.Name)
	}
	if s.t.auditLog == nil {
		return none, errors.New("the audit log is not open")
	}
	cipher, err := s.m.stateCipher()
	if err != nil {
		return none, err
	}
	sum := sha256.Sum256(req.Data)
	f := providers.EvidenceFile{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(req.Data)), Time: time.Now().UTC()}
	data, name := req.Data, req.Name
	if cipher != nil {
		if data, err = cipher.Encrypt(req.Data); err != nil {
			return none, fmt.Errorf("encrypting %s: %w", name, err)
		}
		name += encryptedSuffix
		f.Encrypted = true
	}
	if err := os.MkdirAll(req.Dir, 0o700); err != nil {
		return none, fmt.Errorf("creating the evidence directory: %w", unwrapPathError(err))
	}
	full := filepath.Join(req.Dir, name)
	if err := writeFilePrivate(full, data); err != nil {
		return none, fmt.Errorf("writing %s: %w", full, unwrapPathError(err))
	}
	f.Path = s.m.displayPath(full)
	err = s.t.auditLog.RecordEvidence(audit.Evidence{Time: f.Time, Resource: req.Resource, Provider: req.Provider,
		Kind: req.Kind, File: f.Path, SHA256: f.SHA256, Size: f.Size, Encrypted: f.Encrypted})
	if err != nil {
		return none, fmt.Errorf("recording %s in the audit log: %w", f.Path, err)
	}
	return f, nil
}

// displayPath is path relative to the configuration directory when under
// it, with forward slashes.
func (m *Meta) displayPath(path string) string {
	base, err := filepath.Abs(m.Dir)
	if err != nil {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return abs
}

// evidenceProblem is one archived file that no longer matches the audit
// log.
type evidenceProblem struct {
	File, Why string
}

// checkEvidence checks every file the audit log's evidence lines name
// (the last line of each file wins) still has its recorded digest. cipher
// may be nil: encrypted files are then reported as not checkable.
func checkEvidence(dir string, lines []audit.Record, cipher *crypt.Cipher) (checked int, problems []evidenceProblem) {
	last := map[string]audit.Record{}
	var order []string
	for _, r := range lines {
		if _, seen := last[r.File]; !seen {
			order = append(order, r.File)
		}
		last[r.File] = r
	}
	for _, file := range order {
		r := last[file]
		path := file
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, filepath.FromSlash(file))
		}
		data, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, evidenceProblem{file, "cannot be read: " + unwrapPathError(err).Error()})
			continue
		}
		if r.Encrypted {
			if cipher == nil {
				problems = append(problems, evidenceProblem{file, fmt.Sprintf("is encrypted; set %s to check it", crypt.PassphraseEnv)})
				continue
			}
			if data, err = cipher.Decrypt(data); err != nil {
				problems = append(problems, evidenceProblem{file, "cannot be decrypted: " + err.Error()})
				continue
			}
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != r.SHA256 || int64(len(data)) != r.Size {
			problems = append(problems, evidenceProblem{file, fmt.Sprintf("has sha256 %s (%d bytes), but the audit log recorded %s (%d bytes) at line %d: the file was changed or replaced",
				got, len(data), r.SHA256, r.Size, r.Seq)})
			continue
		}
		checked++
	}
	return checked, problems
}
