package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChangedDigestKeyIsRefusedBeforeAnyRequest applies the quickstart,
// then plans with another digest key (from the environment, then in the
// key file): both are refused before any request, with what to do; the
// escape hatch then shows and carries out the replacements, and records
// the new key so that the next plan is clean.
func TestChangedDigestKeyIsRefusedBeforeAnyRequest(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	stateFile := filepath.Join(dir, "daftar.state.json")
	before := readFile(t, stateFile)
	if !strings.Contains(before, `"digest_key_id": "hmac-sha256:`) {
		t.Fatalf("the state does not record the digest key's fingerprint:\n%s", before)
	}
	audit := readFile(t, filepath.Join(dir, "daftar.audit.jsonl"))

	other := []string{"DAFTAR_DIGEST_KEY=" + strings.Repeat("5a", 32)}
	r := mustEnv(t, 1, dir, other, "plan")
	contains(t, r, "digest key differs from the one this state was written with", "DAFTAR_DIGEST_KEY",
		"Restore .daftar/digest.key from a backup", "-accept-new-digest-key", "Proofylink token")
	mustEnv(t, 1, dir, other, "apply", "-auto-approve")
	if err := os.WriteFile(filepath.Join(dir, ".daftar", "digest.key"), []byte(strings.Repeat("c3", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = must(t, 1, dir, "plan")
	contains(t, r, "from the file .daftar/digest.key")
	if readFile(t, filepath.Join(dir, "daftar.audit.jsonl")) != audit {
		t.Fatal("a refused run sent requests: the audit log grew")
	}
	if readFile(t, stateFile) != before {
		t.Fatal("a refused run changed the state")
	}

	// The passwords' digests changed too, and USAPI cannot change a
	// password: the accounts are adopted again under the new key.
	for _, who := range []string{"ani", "budi"} {
		addr := `usapi_account.hire["` + who + `"]`
		must(t, 0, dir, "state", "rm", addr)
		must(t, 0, dir, "import", "-accept-new-digest-key", addr, who)
	}
	must(t, 1, dir, "plan")
	r = must(t, 0, dir, "plan", "-accept-new-digest-key")
	contains(t, r, "proofylink_verification", "must be replaced")
	must(t, 0, dir, "apply", "-auto-approve", "-accept-new-digest-key")
	after := readFile(t, stateFile)
	if keyID(after) == keyID(before) || keyID(after) == "" {
		t.Fatalf("the new key's fingerprint was not recorded: %q then %q", keyID(before), keyID(after))
	}
	r = must(t, 0, dir, "plan")
	contains(t, r, "No changes")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// keyID is the digest_key_id line of a state file.
func keyID(st string) string {
	for _, line := range strings.Split(st, "\n") {
		if strings.Contains(line, `"digest_key_id"`) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
