package proofylink

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// TestCreatesSendFilesAsTheyAre: creates that share a consent form, and
// KTP images that alternate between rows, each send the file as it is when
// the create is made, and record the digest of what they sent; a file
// rewritten during the apply (same size, later modification time) is sent
// as rewritten, and one removed fails its create before any request.
func TestCreatesSendFilesAsTheyAre(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	form := filepath.Join(e.baseDir, consentPath)
	formA, _ := os.ReadFile(form)
	// Two KTP images of the same size and modification time: only their
	// paths tell them apart.
	ktpA, ktpB := []byte("\xff\xd8\xff\xe0 jpeg of a"), []byte("\xff\xd8\xff\xe0 jpeg of b")
	then := time.Now().Add(-time.Hour)
	for name, data := range map[string][]byte{"ktp/a.jpg": ktpA, "ktp/b.jpg": ktpB} {
		writeFile(t, filepath.Join(e.baseDir, name), data)
		if err := os.Chtimes(filepath.Join(e.baseDir, name), then, then); err != nil {
			t.Fatal(err)
		}
	}

	type sent struct{ ktp, form []byte }
	var want []sent
	create := func(seq int, ktp string, ktpData, formData []byte) {
		t.Helper()
		nik := fmt.Sprintf("317101180596%04d", seq)
		st := e.mustCreate(configFor(consentUpload, map[string]cty.Value{
			"id_number": cty.StringVal(nik), "ktp_image": cty.StringVal(ktp),
		}))
		if got, w := str(st, "ktp_image_sha256"), e.p.digest("ktp_image", ktpData); got != w {
			t.Errorf("create %d: ktp_image_sha256 = %q, want the digest of %q (%q)", seq, got, ktpData, w)
		}
		if got, w := str(st, "form_consent_sha256"), e.p.digest("form_consent", formData); got != w {
			t.Errorf("create %d: form_consent_sha256 = %q, want the digest of %q (%q)", seq, got, formData, w)
		}
		want = append(want, sent{ktpData, formData})
	}
	create(101, "ktp/a.jpg", ktpA, formA)
	create(102, "ktp/b.jpg", ktpB, formA)
	create(103, "ktp/a.jpg", ktpA, formA)

	// The form rewritten with another content of the same size.
	formB := []byte(strings.Repeat("B", len(formA)))
	writeFile(t, form, formB)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(form, later, later); err != nil {
		t.Fatal(err)
	}
	create(104, "ktp/b.jpg", ktpB, formB)
	// The KTP image rewritten with another size, its modification time
	// put back.
	ktpC := []byte("\xff\xd8\xff\xe0 jpeg of b, taken again")
	writeFile(t, filepath.Join(e.baseDir, "ktp/b.jpg"), ktpC)
	if err := os.Chtimes(filepath.Join(e.baseDir, "ktp/b.jpg"), then, then); err != nil {
		t.Fatal(err)
	}
	create(105, "ktp/b.jpg", ktpC, formB)

	vs := e.sandboxState()["proofylink_verifications"].([]any)
	if len(vs) != len(want) {
		t.Fatalf("the sandbox holds %d verifications, want %d", len(vs), len(want))
	}
	for i, v := range vs {
		m := v.(map[string]any)
		if m["ktp_image_sha256"] != sha(want[i].ktp) || m["form_consent_sha256"] != sha(want[i].form) {
			t.Errorf("verification %d received ktp %v and form %v, want %q and %q", i, m["ktp_image_sha256"], m["form_consent_sha256"], want[i].ktp, want[i].form)
		}
	}

	// The form removed: the create fails and sends nothing.
	if err := os.Remove(form); err != nil {
		t.Fatal(err)
	}
	before := e.requestsTotal()
	res := e.p.ApplyResource(t.Context(), providers.ApplyRequest{
		Type: verificationType, Addr: testUserAddr, Operation: providers.Create, Planned: cty.UnknownVal(verification.ty),
		Config: configFor(consentUpload, map[string]cty.Value{
			"id_number": cty.StringVal("3171011805960106"), "ktp_image": cty.StringVal("ktp/a.jpg"),
		}),
	})
	if !res.NewState.IsNull() || !res.Diagnostics.HasErrors() || res.Diagnostics[0].Summary != "Unusable form_consent" {
		t.Fatalf("state %#v, diags %s", res.NewState, describe(res.Diagnostics))
	}
	if after := e.requestsTotal(); after != before {
		t.Errorf("%v requests sent for a create whose form is gone", after-before)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
