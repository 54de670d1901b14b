package command

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/state"
)

// acceptKeyFlag names the flag that lets plan and apply go on with a digest
// key other than the one the state was written with.
const acceptKeyFlag = "accept-new-digest-key"

// checkDigestKey refuses a state written with another digest key, before
// any request: every keyed digest would differ, so the plan would replace
// every verification and account that has a write-only input, and an
// apply would spend a token on each. A state with no resources, or no
// fingerprint yet (written by an older daftar), is accepted: it adopts the
// key at its next write.
func checkDigestKey(st *state.State, keyID, dir string, environ []string, accept bool) error {
	if accept || len(st.Resources) == 0 || st.DigestKeyID == "" || st.DigestKeyID == keyID {
		return nil
	}
	return fmt.Errorf("the digest key differs from the one this state was written with (the state records key %s; this run's key is %s, from %s). "+
		"Passwords, NIKs and KTP images are compared through digests made with that key: with another key every one of them looks changed, "+
		"so going on would replace every verification, spending a Proofylink token on each, and find every account's password changed. Nothing was sent. "+
		"Restore .daftar/digest.key from a backup, or set the same %s on every machine that shares this state. "+
		"If the key is truly lost, run daftar plan -%s to see the replacements and their cost, then daftar apply -%s to carry them out and record the new key "+
		"(an account whose password then looks changed is adopted again with daftar state rm ADDR and daftar import -%s ADDR ID)",
		st.DigestKeyID, keyID, keySource(dir, environ), secrets.KeyEnv, acceptKeyFlag, acceptKeyFlag, acceptKeyFlag)
}

// keySource says where this run's digest key came from.
func keySource(dir string, environ []string) string {
	if _, ok := secrets.LookupKeyEnv(environ); ok {
		return "the environment variable " + secrets.KeyEnv
	}
	return "the file " + filepath.Join(dir, ".daftar", "digest.key")
}

// recordDigestKey records this run's digest key fingerprint in the state
// before anything else is written, when it is not the one stored: a state
// with none adopts it when the apply changes something; a new key the user
// accepted replaces the old one even when nothing else changes, so that the
// next run is not refused again.
func (r *run) recordDigestKey(ctx context.Context, changes bool) error {
	id := r.wiring.digester.KeyID()
	if r.state.DigestKeyID == id || !changes && r.state.DigestKeyID == "" {
		return nil
	}
	u := state.Update{DigestKeyID: id}
	// Like every outcome, it is recorded even once an interrupt arrives.
	if err := r.backend.Apply(context.WithoutCancel(ctx), u); err != nil {
		return err
	}
	r.state.Apply(u)
	return nil
}
