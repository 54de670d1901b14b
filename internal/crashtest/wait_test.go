package crashtest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An interrupt while apply waits for a verification's result (every change
// already started) ends the wait at once: the verification is recorded
// with its last status and a warning, and the apply says it was
// interrupted and exits 1.
func TestInterruptWhileWaitingForResult(t *testing.T) {
	sb := StartSandbox(t, bin, "-verify-delay=1h")
	dir := t.TempDir()
	Batch{Verifications: 1, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
	hcl := filepath.Join(dir, "main.hcl")
	src, err := os.ReadFile(hcl)
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), `form_consent         = "ktp/ktp.jpg"`, "form_consent         = \"ktp/ktp.jpg\"\n  wait_for_result      = true", 1))
	if err := os.WriteFile(hcl, src, 0o644); err != nil {
		t.Fatal(err)
	}
	p := Start(t, bin, dir, "apply", "-auto-approve")
	created := func() bool { return len(sb.Records().Verifications) == 1 }
	if !p.WaitUntil(t.Context(), created) {
		t.Fatalf("the verification was not created:\n%s", p)
	}
	p.Signal(syscall.SIGINT)
	if !p.WaitFor(time.Minute) {
		t.Fatalf("the interrupted apply did not exit:\n%s", p)
	}
	if p.Code() != 1 || !strings.HasPrefix(lastLine(p.Stdout()), "Apply interrupted! ") {
		t.Fatalf("want exit 1 and \"Apply interrupted! ...\":\n%s", p)
	}
	if !strings.Contains(p.Stdout()+p.Stderr(), "Stopped waiting for the verification's result") {
		t.Errorf("want the wait's warning:\n%s", p)
	}
	list := Run(t, bin, dir, "state", "list")
	if got := strings.Fields(list.Stdout()); len(got) != 1 || !strings.HasPrefix(got[0], "proofylink_verification.person") {
		t.Fatalf("the verification must be recorded: %q", got)
	}
	if left := sb.Records().TokensLeft; left != 999 {
		t.Errorf("%d tokens left, want 999", left)
	}
	checkNoRace(t, p)
}
