package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Two people with the same full name and the same masked NIK
// (3171********0001, all the list endpoint shows) in one batch, and one
// person whose KTP photo changes. The creates run against `daftar sandbox`
// as a separate process, with -fault picking the one create that fails or
// is in flight when daftar is killed.

const (
	uploadConsent = "/proofylink/api/v1/external/verifications/upload-consent"
	nikA          = "3171015504960001"
	nikB          = "3171026207850001" // masked as nikA is
)

func verificationBlock(name, nik, phone, ktp, extra string) string {
	return fmt.Sprintf(`
resource "proofylink_verification" %q {
  consent              = "upload"
  verification_type_id = 1
  id_number            = %q
  full_name            = "Ani Lestari"
  email                = "%s@example.id"
  phone_number         = %q
  ktp_image            = %q
  form_consent         = "consent.pdf"
%s}

output %q {
  value = proofylink_verification.%s.reference_code
}
`, name, nik, name, phone, ktp, extra, name, name)
}

func proofylinkProvider(url string) string {
	return fmt.Sprintf("provider \"proofylink\" {\n  endpoint = %q\n  token    = \"sandbox-proofylink-token\"\n}\n", url+"/proofylink")
}

// collisionDir writes A and B, B applied after A so that the sandbox's
// second create is B's.
func collisionDir(t *testing.T, sb *Sandbox) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.hcl": proofylinkProvider(sb.URL()) +
			verificationBlock("a", nikA, "6281234567801", "ktp_a.jpg", "") +
			verificationBlock("b", nikB, "6281234567802", "ktp_b.jpg", "  depends_on = [proofylink_verification.a]\n"),
		"ktp_a.jpg":   "\xff\xd8\xff\xe0 KTP of Ani A\xff\xd9",
		"ktp_b.jpg":   "\xff\xd8\xff\xe0 KTP of Ani B\xff\xd9",
		"consent.pdf": "%PDF-1.4 consent",
	})
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCollisionResolvesToTheRightPerson: B's create answered 500, or in
// flight when daftar is killed (before or after the sandbox acted). A's
// verification, same name and masked NIK, is never adopted for B.
func TestCollisionResolvesToTheRightPerson(t *testing.T) {
	tests := map[string]struct {
		fault string
		kill  bool
		// outcome is the next run's resolution of B ("" when the apply
		// resolved it itself).
		outcome string
	}{
		"500 on B's create":                          {fault: "fail"},
		"B's connection cut after the sandbox acted": {fault: "drop"},
		"kill -9 before the sandbox acted on B":      {fault: "hang", kill: true, outcome: "not-created"},
		"kill -9 after the sandbox acted on B":       {fault: "hang-after", kill: true, outcome: "adopted"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb := StartSandbox(t, bin, "-verify-delay=0s", fmt.Sprintf("-fault=%s:POST:%s:2", tc.fault, uploadConsent))
			dir := collisionDir(t, sb)
			first := applyOrKill(t, sb, dir, tc.kill)
			if !tc.kill && first.Code() != 0 {
				t.Fatalf("the apply must resolve B's lost create and finish:\n%s", first)
			}
			if tc.kill {
				next := Run(t, bin, dir, "apply", "-auto-approve", "-json")
				if next.Code() != 0 {
					t.Fatalf("the apply after the kill:\n%s", next)
				}
				checkResolution(t, next, "proofylink_verification.b", tc.outcome)
			}
			checkAgreement(t, sb, dir, map[string]string{"a": nikA, "b": nikB}, 2)
		})
	}
}

// TestInterruptedReplacementNeverAdoptsTheReplaced: a changed KTP photo
// replaces the verification; the replacing create is answered 500, or in
// flight when daftar is killed. The verification replaced is never taken
// for the new one.
func TestInterruptedReplacementNeverAdoptsTheReplaced(t *testing.T) {
	tests := map[string]struct {
		fault, outcome string
		kill           bool
	}{
		"500 on the replacing create":                                   {fault: "fail"},
		"the replacing create's connection cut after the sandbox acted": {fault: "drop"},
		"kill -9 before the sandbox acted on the replace":               {fault: "hang", kill: true, outcome: "not-created"},
		"kill -9 after the sandbox acted on the replace":                {fault: "hang-after", kill: true, outcome: "adopted"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb := StartSandbox(t, bin, "-verify-delay=0s", fmt.Sprintf("-fault=%s:POST:%s:2", tc.fault, uploadConsent))
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"main.hcl":    proofylinkProvider(sb.URL()) + verificationBlock("ani", nikA, "6281234567801", "ktp.jpg", ""),
				"ktp.jpg":     "\xff\xd8\xff\xe0 the first KTP photo\xff\xd9",
				"consent.pdf": "%PDF-1.4 consent",
			})
			if p := Run(t, bin, dir, "apply", "-auto-approve"); p.Code() != 0 {
				t.Fatalf("the first apply:\n%s", p)
			}
			old := output(t, dir, "ani")
			writeFiles(t, dir, map[string]string{"ktp.jpg": "\xff\xd8\xff\xe0 a new KTP photo\xff\xd9"})
			if p := Run(t, bin, dir, "plan", "-detailed-exitcode"); p.Code() != 2 || !strings.Contains(p.Stdout(), "must be replaced") && !strings.Contains(p.Stdout(), "-/+") {
				t.Fatalf("a new KTP photo must plan a replacement:\n%s", p)
			}
			first := applyOrKill(t, sb, dir, tc.kill)
			if !tc.kill && (first.Code() != 0 || !strings.Contains(first.Stdout(), "1 replaced")) {
				t.Fatalf("the apply must resolve the lost create and replace:\n%s", first)
			}
			if tc.kill {
				next := Run(t, bin, dir, "apply", "-auto-approve", "-json")
				if next.Code() != 0 {
					t.Fatalf("the apply after the kill:\n%s", next)
				}
				checkResolution(t, next, "proofylink_verification.ani", tc.outcome)
			}
			rec := sb.Records()
			if len(rec.Verifications) != 2 || rec.Verifications[0].ReferenceCode != old {
				t.Fatalf("the remote must hold the replaced verification %s and its replacement: %+v", old, rec.Verifications)
			}
			if got := output(t, dir, "ani"); got != rec.Verifications[1].ReferenceCode {
				t.Errorf("the state holds %s, want the replacing verification %s (replaced: %s)", got, rec.Verifications[1].ReferenceCode, old)
			}
			checkAgreement(t, sb, dir, map[string]string{"ani": nikA}, 2)
		})
	}
}

// applyOrKill runs apply; with kill, it kills it with SIGKILL while the
// sandbox holds the faulted create.
func applyOrKill(t *testing.T, sb *Sandbox, dir string, kill bool) *Proc {
	t.Helper()
	if !kill {
		return Run(t, bin, dir, "apply", "-auto-approve")
	}
	p := Start(t, bin, dir, "apply", "-auto-approve")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	held := p.WaitUntil(ctx, func() bool { return sb.Records().Requests.Held > 0 })
	p.Signal(syscall.SIGKILL)
	p.Wait()
	if !held {
		t.Fatalf("the faulted create was never held, so the kill proved nothing:\n%s", p)
	}
	return p
}

// checkResolution finds the run's resolution event for addr.
func checkResolution(t *testing.T, p *Proc, addr, outcome string) {
	t.Helper()
	for _, l := range strings.Split(p.Stdout(), "\n") {
		var e struct{ Type, Address, Outcome, Message string }
		if json.Unmarshal([]byte(l), &e) == nil && e.Type == "resolution" && e.Address == addr {
			t.Logf("%s: %s: %s", addr, e.Outcome, e.Message)
			if e.Outcome != outcome {
				t.Errorf("%s resolved %s (%s), want %s", addr, e.Outcome, e.Message, outcome)
			}
			return
		}
	}
	t.Errorf("no resolution of %s:\n%s", addr, p)
}

// checkAgreement checks that the remote, the state and the next plan
// agree: the remote holds records verifications, each address's
// reference_code in the state is the latest verification of its own NIK,
// the tokens spent are the verifications made, and nothing is left to
// plan.
func checkAgreement(t *testing.T, sb *Sandbox, dir string, nikOf map[string]string, records int) {
	t.Helper()
	rec := sb.Records()
	if len(rec.Verifications) != records {
		t.Errorf("%d verifications at Proofylink, want %d: %+v", len(rec.Verifications), records, rec.Verifications)
	}
	codesOf := map[string][]string{}
	for _, v := range rec.Verifications {
		codesOf[v.IDNumber] = append(codesOf[v.IDNumber], v.ReferenceCode)
	}
	for addr, nik := range nikOf {
		got := output(t, dir, addr)
		codes := codesOf[nik]
		if len(codes) == 0 || got != codes[len(codes)-1] {
			t.Errorf("proofylink_verification.%s holds %s in the state; the verifications of its NIK are %v", addr, got, codes)
		}
	}
	if made := len(rec.Verifications); rec.TokensLeft != 1000-made {
		t.Errorf("%d tokens left for %d verifications", rec.TokensLeft, made)
	}
	plan := Run(t, bin, dir, "plan", "-detailed-exitcode")
	if plan.Code() != 0 || strings.Contains(plan.Stderr(), "undecided") {
		t.Errorf("the next plan must find nothing to do:\n%s", plan)
	}
}

// output is the state's output name (a reference_code).
func output(t *testing.T, dir, name string) string {
	t.Helper()
	p := Run(t, bin, dir, "output", "-json", name)
	var v string
	if p.Code() != 0 || json.Unmarshal([]byte(p.Stdout()), &v) != nil {
		t.Fatalf("output %s:\n%s", name, p)
	}
	return v
}

// TestCollisionWithAnotherStatesRecord: A was verified from another
// directory (another state), so no address of B's state holds A's
// verification; the detail's full NIK and phone still tell B from A.
func TestCollisionWithAnotherStatesRecord(t *testing.T) {
	t.Parallel()
	sb := StartSandbox(t, bin, "-verify-delay=0s", fmt.Sprintf("-fault=hang:POST:%s:2", uploadConsent))
	files := map[string]string{"ktp.jpg": "\xff\xd8\xff\xe0 a KTP photo\xff\xd9", "consent.pdf": "%PDF-1.4 consent"}
	dirA, dirB := t.TempDir(), t.TempDir()
	files["main.hcl"] = proofylinkProvider(sb.URL()) + verificationBlock("a", nikA, "6281234567801", "ktp.jpg", "")
	writeFiles(t, dirA, files)
	files["main.hcl"] = proofylinkProvider(sb.URL()) + verificationBlock("b", nikB, "6281234567802", "ktp.jpg", "")
	writeFiles(t, dirB, files)
	if p := Run(t, bin, dirA, "apply", "-auto-approve"); p.Code() != 0 {
		t.Fatalf("A's apply:\n%s", p)
	}
	applyOrKill(t, sb, dirB, true)
	next := Run(t, bin, dirB, "apply", "-auto-approve", "-json")
	if next.Code() != 0 {
		t.Fatalf("the apply after the kill:\n%s", next)
	}
	checkResolution(t, next, "proofylink_verification.b", "not-created")
	if !strings.Contains(next.Stdout(), "is another person with the same name and masked NIK") {
		t.Errorf("the resolution must say why A's verification was passed over:\n%s", next.Stdout())
	}
	checkAgreement(t, sb, dirB, map[string]string{"b": nikB}, 2)
	checkAgreement(t, sb, dirA, map[string]string{"a": nikA}, 2)
}
