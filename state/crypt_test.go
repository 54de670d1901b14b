package state_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// cheapKDF keeps the tests fast; files record their parameters.
var cheapKDF = crypt.Params{Time: 1, MemoryKiB: 64, Threads: 1}

func testCipher(t *testing.T, passphrase string) *crypt.Cipher {
	t.Helper()
	c, err := crypt.New(passphrase, cheapKDF)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	passA = "first passphrase, long enough"
	passB = "second passphrase, long enough"
)

// The encrypted local backend keeps the whole contract.
func TestEncryptedLocalBackend(t *testing.T) {
	c := testCipher(t, passA)
	backendtest.Run(t, func(t *testing.T) backendtest.Store {
		path := filepath.Join(t.TempDir(), "daftar.state.json")
		return backendtest.Store{
			Open: func() state.Backend { return state.NewLocal(path, state.LocalOptions{Cipher: c}) },
		}
	})
}

// encryptedWorkdir is workdir with the snapshot, backup and journal
// written under passA: v1.state.json compacted, then the journal steps
// applied and not compacted.
func encryptedWorkdir(t *testing.T) (*state.Local, *state.State) {
	t.Helper()
	plain := workdir(t)
	s, err := plain.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Reencrypt(ctx, testCipher(t, passA)); err != nil {
		t.Fatal(err)
	}
	b := state.NewLocal(plain.Path(), state.LocalOptions{Cipher: testCipher(t, passA)})
	if s, err = b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	s.Apply(state.Update{Remove: []string{`usapi_account.hire["budi"]`}})
	if err := b.Compact(ctx, s); err != nil { // a backup under passA too
		t.Fatal(err)
	}
	for _, u := range journalSteps() {
		if err := b.Apply(ctx, u); err != nil {
			t.Fatal(err)
		}
		s.Apply(u)
	}
	s.Serial++
	b.Close()
	return b, s
}

// The fixture's personal data, which no encrypted file may show.
var fixturePlaintext = []string{"usapi_account", "hire", "citra", "lineage", "serial"}

func TestEncryptedFilesHoldNoPlaintext(t *testing.T) {
	b, want := encryptedWorkdir(t)
	for _, path := range []string{b.Path(), b.BackupPath(), b.JournalPath()} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range fixturePlaintext {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q in clear", filepath.Base(path), s)
			}
		}
	}
	journal, _ := os.ReadFile(b.JournalPath())
	if n := bytes.Count(journal, []byte("\n")); n != len(journalSteps()) {
		t.Fatalf("the encrypted journal has %d lines, want one per change (%d)", n, len(journalSteps()))
	}
	got, err := state.NewLocal(b.Path(), state.LocalOptions{Cipher: testCipher(t, passA)}).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, want)
}

// A wrong or missing passphrase is an error that names the problem and
// leaves every file as it was, even for a command that would compact.
func TestWrongOrMissingPassphraseChangesNothing(t *testing.T) {
	tests := map[string]struct {
		cipher  state.Cipher
		problem state.EncryptionProblem
	}{
		"wrong":   {testCipher(t, passB), state.WrongPassphrase},
		"missing": {nil, state.NeedPassphrase},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			enc, s := encryptedWorkdir(t)
			before := snapshotFiles(t, enc)
			b := state.NewLocal(enc.Path(), state.LocalOptions{Cipher: tc.cipher})
			_, err := b.Load(ctx)
			checkProblem(t, err, tc.problem)
			checkProblem(t, b.Apply(ctx, journalSteps()[0]), tc.problem)
			checkProblem(t, b.Compact(ctx, s), tc.problem)
			if after := snapshotFiles(t, enc); !equalFiles(before, after) {
				t.Fatal("a refused passphrase changed the files")
			}
		})
	}
}

// A journal under another passphrase is refused, never taken for torn
// lines that the next Apply would cut off.
func TestJournalUnderAnotherPassphraseIsNotTorn(t *testing.T) {
	enc, _ := encryptedWorkdir(t)
	os.Remove(enc.Path())
	os.Remove(enc.BackupPath())
	before := snapshotFiles(t, enc)
	for name, c := range map[string]state.Cipher{"wrong": testCipher(t, passB), "missing": nil} {
		b := state.NewLocal(enc.Path(), state.LocalOptions{Cipher: c})
		if _, err := b.Load(ctx); !isEncryptionError(err) {
			t.Fatalf("%s passphrase: Load of the journal alone: %v", name, err)
		}
		if err := b.Apply(ctx, journalSteps()[0]); !isEncryptionError(err) {
			t.Fatalf("%s passphrase: Apply: %v", name, err)
		}
	}
	if !equalFiles(before, snapshotFiles(t, enc)) {
		t.Fatal("the journal was changed")
	}
}

// A state in plaintext is refused when a passphrase is set, rather than
// silently read: an attacker must not be able to swap in a forged,
// unencrypted state.
func TestPlaintextRefusedWithAPassphrase(t *testing.T) {
	b := workdir(t)
	_, err := state.NewLocal(b.Path(), state.LocalOptions{Cipher: testCipher(t, passA)}).Load(ctx)
	checkProblem(t, err, state.NotEncrypted)
	if !strings.Contains(err.Error(), "daftar state encrypt") {
		t.Errorf("the error does not say how to encrypt: %v", err)
	}

	// The same for a journal left in plaintext next to an encrypted
	// snapshot.
	enc, _ := encryptedWorkdir(t)
	plainJournal := journalOf(t, journalSteps()[:1])
	if err := os.WriteFile(enc.JournalPath(), plainJournal, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = state.NewLocal(enc.Path(), state.LocalOptions{Cipher: testCipher(t, passA)}).Load(ctx)
	checkProblem(t, err, state.NotEncrypted)
}

// A torn last encrypted line is a write a crash interrupted, as in
// plaintext; a damaged line followed by intact ones is refused.
func TestEncryptedJournalTornAndDamagedLines(t *testing.T) {
	enc, _ := encryptedWorkdir(t)
	journal, _ := os.ReadFile(enc.JournalPath())
	lines := bytes.SplitAfter(journal, []byte("\n"))
	open := func() (*state.State, error) {
		return state.NewLocal(enc.Path(), state.LocalOptions{Cipher: testCipher(t, passA)}).Load(ctx)
	}

	for _, cut := range []int{1, 7, 40, len(lines[2]) - 2} {
		torn := append(bytes.Join(lines[:2], nil), lines[2][:len(lines[2])-cut]...)
		os.WriteFile(enc.JournalPath(), torn, 0o600)
		s, err := open()
		if err != nil {
			t.Fatalf("a last line cut %d bytes short: %v", cut, err)
		}
		if _, ok := s.Outputs["count"]; ok {
			t.Fatalf("the torn line (cut %d bytes short) was applied", cut)
		}
	}

	damaged := bytes.Clone(journal)
	damaged[len(lines[0])+20] ^= 0x01 // inside line 2, keeping it base64
	if damaged[len(lines[0])+20] == '\n' {
		t.Fatal("test bug: damaged a newline")
	}
	os.WriteFile(enc.JournalPath(), damaged, 0o600)
	if _, err := open(); err == nil || !strings.Contains(err.Error(), "line 2 of the journal") {
		t.Fatalf("a damaged middle line: %v", err)
	}
}

// Migration: plaintext to encrypted, to a new passphrase, and back, each
// keeping the state and its backup, each leaving files the old settings
// refuse.
func TestReencryptBothWaysAndRekey(t *testing.T) {
	b := workdir(t)
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Apply(state.Update{Remove: []string{`usapi_account.hire["budi"]`}})
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		from, to state.Cipher
	}{
		{"encrypt", nil, testCipher(t, passA)},
		{"rekey", testCipher(t, passA), testCipher(t, passB)},
		{"decrypt", testCipher(t, passB), nil},
	}
	for _, step := range steps {
		h := state.NewLocal(b.Path(), state.LocalOptions{Cipher: step.from})
		if _, err := h.Load(ctx); err != nil {
			t.Fatalf("%s: Load: %v", step.name, err)
		}
		if err := h.Reencrypt(ctx, step.to); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for _, path := range []string{b.Path(), b.BackupPath()} {
			data, _ := os.ReadFile(path)
			if crypt.IsEncrypted(data) != (step.to != nil) {
				t.Fatalf("%s: %s encrypted = %v", step.name, filepath.Base(path), crypt.IsEncrypted(data))
			}
		}
		got, err := state.NewLocal(b.Path(), state.LocalOptions{Cipher: step.to}).Load(ctx)
		if err != nil {
			t.Fatalf("%s: Load with the new settings: %v", step.name, err)
		}
		sameJSON(t, got, s)
		if _, err := state.NewLocal(b.Path(), state.LocalOptions{Cipher: step.from}).Load(ctx); !isEncryptionError(err) {
			t.Fatalf("%s: the old settings still read the state: %v", step.name, err)
		}
		// The same handle goes on with the new settings.
		if err := h.Apply(ctx, state.Update{Remove: []string{"nothing"}}); err != nil {
			t.Fatalf("%s: Apply after Reencrypt: %v", step.name, err)
		}
		if err := h.Compact(ctx, s); err != nil {
			t.Fatalf("%s: Compact after Reencrypt: %v", step.name, err)
		}
		b.Close()
	}
	// After the round trip the backup reads as it was (it is the
	// snapshot before the last compaction, now in plaintext again).
	if got, _ := os.ReadFile(b.BackupPath()); !bytes.HasPrefix(got, []byte("{\n  \"version\": 1,")) || !bytes.Contains(got, []byte(s.Lineage)) {
		t.Fatalf("the backup after the round trip is not the plaintext state:\n%s", got)
	}
}

// A Reencrypt interrupted after rewriting the backup finishes when run
// again.
func TestReencryptResumes(t *testing.T) {
	b := workdir(t)
	if _, err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	copyFile(t, b.Path(), b.BackupPath())
	c := testCipher(t, passA)
	data, _ := os.ReadFile(b.BackupPath())
	enc, _ := c.Encrypt(data)
	os.WriteFile(b.BackupPath(), enc, 0o600) // as if the crash came after the backup's rename
	if err := b.Reencrypt(ctx, c); err != nil {
		t.Fatalf("resuming: %v", err)
	}
	if _, err := state.NewLocal(b.Path(), state.LocalOptions{Cipher: c}).Load(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReencryptRefusesAPendingJournal(t *testing.T) {
	b := workdir(t)
	if err := b.Apply(ctx, journalSteps()[0]); err != nil {
		t.Fatal(err)
	}
	err := b.Reencrypt(ctx, testCipher(t, passA))
	if err == nil || !strings.Contains(err.Error(), "journal") {
		t.Fatalf("Reencrypt with changes in the journal: %v", err)
	}
	if data, _ := os.ReadFile(b.Path()); crypt.IsEncrypted(data) {
		t.Fatal("the snapshot was rewritten anyway")
	}
}

func checkProblem(t *testing.T, err error, want state.EncryptionProblem) {
	t.Helper()
	var ee *state.EncryptionError
	if !errors.As(err, &ee) || ee.Problem != want {
		t.Fatalf("got %v, want an EncryptionError with problem %d", err, want)
	}
	if !strings.Contains(err.Error(), "Nothing was changed") {
		t.Errorf("the error does not say nothing was changed: %v", err)
	}
}

func isEncryptionError(err error) bool {
	var ee *state.EncryptionError
	return errors.As(err, &ee)
}

// snapshotFiles reads every file of the state's directory tree.
func snapshotFiles(t *testing.T, b *state.Local) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	root := filepath.Dir(b.Path())
	filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files[path], _ = os.ReadFile(path)
		}
		return nil
	})
	return files
}

func equalFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}
