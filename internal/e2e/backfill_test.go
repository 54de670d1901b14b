package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackfillDigestsOfOlderState: a state an older daftar wrote holds no
// config_digest, and its unchanged verifications are planned in full by
// their provider; apply with no changes records their digests, and the
// next plan takes the fast path.
//
// Which path a plan took shows in how it sees a KTP image whose content
// changed while its size and modification time stayed the same: the fast
// path knows the file by those alone (docs/state.md, config_digest) and
// plans nothing; the provider's plan reads the content and plans a change.
func TestBackfillDigestsOfOlderState(t *testing.T) {
	dir := example(t, "batch")
	must(t, 0, dir, "apply", "-auto-approve")

	statePath := filepath.Join(dir, "daftar.state.json")
	digests := verificationDigests(t, statePath)
	if len(digests) != 5 {
		t.Fatalf("%d verifications in the state, want 5", len(digests))
	}
	for addr, d := range digests {
		if d == "" {
			t.Fatalf("%s recorded without its configuration digest", addr)
		}
	}
	withDigests := daftar(t, dir, "plan", "-detailed-exitcode")
	stripDigests(t, statePath, "proofylink_verification.")
	// The missing digests are bookkeeping, not a change: the plan reads
	// and exits as it did with them.
	if r := daftar(t, dir, "plan", "-detailed-exitcode"); r.code != withDigests.code || lastLine(r) != lastLine(withDigests) {
		t.Fatalf("plan without digests differs from the plan with them:\n%s\nwith them:\n%s", r, withDigests)
	}

	const sari = `proofylink_verification.person["sari"]`
	sameStat, original, other := ktpSameStat(t, dir)

	// Without digests, the provider plans each verification: it reads the
	// changed content.
	sameStat(other)
	r := daftar(t, dir, "plan", "-detailed-exitcode")
	if r.code != 2 || !strings.Contains(r.stdout, sari) {
		t.Fatalf("plan without digests does not plan %s from its changed KTP image content:\n%s", sari, r)
	}
	sameStat(original)

	r = must(t, 0, dir, "apply", "-auto-approve")
	if !strings.Contains(r.stdout, "0 added, 0 changed") || strings.Contains(r.stdout, "proofylink_verification.person[") {
		t.Fatalf("apply of the unchanged batch shows changes:\n%s", r)
	}
	if data, err := os.ReadFile(statePath); err != nil || !strings.Contains(string(data), `"digest_key_id"`) {
		t.Errorf("the state that gained digests did not record the digest key's fingerprint (%v)", err)
	}
	for addr, d := range verificationDigests(t, statePath) {
		if d != digests[addr] {
			t.Errorf("%s recorded with digest %q after the apply with no changes, want %q (the one its first apply recorded)", addr, d, digests[addr])
		}
	}

	// With digests, the plan does not ask the provider: it plans nothing
	// for sari's verification although its content changed.
	sameStat(other)
	r = daftar(t, dir, "plan", "-detailed-exitcode")
	if strings.Contains(r.stdout, sari) || !strings.HasPrefix(lastLine(r), "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.") && !strings.HasPrefix(lastLine(r), "No changes.") {
		t.Fatalf("plan after the digests were recorded planned %s in full:\n%s", sari, r)
	}
	if r.code != 0 && r.code != 2 {
		t.Fatalf("plan: %s", r)
	}
}

// ktpSameStat prepares a change of sari's KTP image in the example batch
// at dir that keeps its size and modification time: sameStat(data) writes
// data so, original is the image's content and other the changed one.
// The fast path knows the file by its size and time alone and plans
// nothing for it; the provider's plan reads the content and plans a
// change: so a plan shows which path it took.
func ktpSameStat(t *testing.T, dir string) (sameStat func([]byte), original, other []byte) {
	t.Helper()
	ktp := filepath.Join(dir, "ktp", "p1.jpg") // sari's
	original, err := os.ReadFile(ktp)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(ktp)
	if err != nil {
		t.Fatal(err)
	}
	sameStat = func(data []byte) {
		t.Helper()
		if err := os.WriteFile(ktp, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(ktp, info.ModTime(), info.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	other = append([]byte(nil), original...)
	other[len(other)-3] ^= 0x55 // inside the image data, before the end marker
	return sameStat, original, other
}

// TestTransportSettingsKeepTheFastPath: after the provider blocks'
// transport settings change (rate limits, a wait timeout: how to reach
// the APIs, not what they plan), an applied batch's plan still takes the
// fast path, as it does with nothing changed: it plans nothing for a KTP
// image whose content changed under the same size and time, which the
// provider's own plan would find (TestBackfillDigestsOfOlderState).
func TestTransportSettingsKeepTheFastPath(t *testing.T) {
	dir := example(t, "batch")
	must(t, 0, dir, "apply", "-auto-approve")
	const sari = `proofylink_verification.person["sari"]`
	before := daftar(t, dir, "plan", "-detailed-exitcode")
	mainHCL := filepath.Join(dir, "main.hcl")
	src, err := os.ReadFile(mainHCL)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "  rate_limit = 5\n", "  rate_limit = 20\n  wait_timeout = \"5m\"\n", 1)
	edited = strings.Replace(edited, "  basic_auth = var.usapi_key\n", "  basic_auth = var.usapi_key\n  rate_limit = 50\n", 1)
	if edited == string(src) || strings.Count(edited, "rate_limit") != strings.Count(string(src), "rate_limit")+1 {
		t.Fatalf("examples/batch/main.hcl's provider blocks are not as this test expects:\n%s", src)
	}
	if err := os.WriteFile(mainHCL, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	sameStat, original, other := ktpSameStat(t, dir)
	sameStat(other)
	r := daftar(t, dir, "plan", "-detailed-exitcode")
	if strings.Contains(r.stdout, sari) || lastLine(r) != lastLine(before) || r.code != before.code {
		t.Fatalf("after the provider blocks' rate limits changed, the plan planned in full:\n%s\nbefore they changed:\n%s", r, before)
	}
	// The same plan with a setting the provider plans with changed
	// (Proofylink's duplicate_check) takes the provider's path: it finds
	// the changed content.
	if err := os.WriteFile(mainHCL, []byte(strings.Replace(edited, "  rate_limit = 20\n", "  rate_limit = 20\n  duplicate_check = false\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := daftar(t, dir, "plan", "-detailed-exitcode"); r.code != 2 || !strings.Contains(r.stdout, sari) {
		t.Fatalf("with duplicate_check changed, the plan did not plan %s from its changed KTP image content:\n%s", sari, r)
	}
	sameStat(original)
}

// verificationDigests reads the config_digest of every verification in
// the state file at path, by address.
func verificationDigests(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Address      string `json:"address"`
			ConfigDigest string `json:"config_digest"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range st.Resources {
		if strings.HasPrefix(r.Address, "proofylink_verification.") {
			out[r.Address] = r.ConfigDigest
		}
	}
	return out
}

// stripDigests removes config_digest from the records whose address
// begins with prefix, and the state's digest_key_id, as an older daftar
// wrote them.
func stripDigests(t *testing.T, path, prefix string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range st["resources"].([]any) {
		rec := r.(map[string]any)
		if strings.HasPrefix(rec["address"].(string), prefix) {
			delete(rec, "config_digest")
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no record of %s* in %s", prefix, path)
	}
	delete(st, "digest_key_id") // older still: written before the key's fingerprint was
	out, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
}
