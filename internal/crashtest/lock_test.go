//go:build unix

// SIGSTOP, which freezes a live holder here, has no Windows counterpart.

package crashtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// An apply killed with SIGKILL leaves its lock file behind, naming the
// dead process, but the operating system released its flock: the next
// command takes the lock at once (-lock-timeout=0s: no waiting at all).
func TestKilledApplyLeavesNoBlockingLock(t *testing.T) {
	sb := StartSandbox(t, bin, "-latency=200ms", "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Accounts: 10, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
	p := Start(t, bin, dir, "apply", "-auto-approve")
	if !p.WaitUntil(t.Context(), func() bool { return p.Started() >= 1 }) {
		t.Fatalf("no change started:\n%s", p)
	}
	p.Signal(syscall.SIGKILL)
	p.Wait()
	lock, err := os.ReadFile(filepath.Join(dir, "daftar.state.json.lock"))
	if err != nil || !strings.Contains(string(lock), `"pid": `+strconv.Itoa(p.Pid())) {
		t.Fatalf("the lock file should remain with the dead holder's details (err %v):\n%s", err, lock)
	}
	plan := Run(t, bin, dir, "plan", "-lock-timeout=0s")
	if plan.Code() != 0 {
		t.Fatalf("the next command must take the lock of a killed apply at once:\n%s", plan)
	}
	next := Run(t, bin, dir, "apply", "-auto-approve", "-lock-timeout=0s")
	if next.Code() != 0 {
		t.Fatalf("apply after the kill:\n%s", next)
	}
	checkExactlyOnce(t, sb.Records(), 10, 0, 1000)
}

// A lock held by a live process is reported with its holder, since when,
// and the command that releases it; force-unlock with that ID (and only
// that ID) releases it, and the next run proceeds.
func TestLiveLockReportedAndForceUnlocked(t *testing.T) {
	sb := StartSandbox(t, bin, "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Accounts: 4, SandboxURL: sb.URL(), RateLimit: 5}.Write(t, dir)
	holder := Start(t, bin, dir, "apply", "-auto-approve")
	t.Cleanup(func() { holder.Signal(syscall.SIGKILL); holder.Wait() })
	if !holder.WaitUntil(t.Context(), func() bool { return holder.Started() >= 1 }) {
		t.Fatalf("no change started:\n%s", holder)
	}
	holder.Signal(syscall.SIGSTOP) // alive, holding the lock, doing nothing

	blocked := Run(t, bin, dir, "plan")
	m := regexp.MustCompile(`the state is locked by apply \(pid (\d+), [^)]+\) since (\S+); lock ID (\S+); .*daftar force-unlock (\S+)`).
		FindStringSubmatch(strings.Join(strings.Fields(blocked.Stderr()), " "))
	if blocked.Code() != 1 || m == nil {
		t.Fatalf("want exit 1 naming the holder, since when and the force-unlock command:\n%s", blocked)
	}
	if m[1] != strconv.Itoa(holder.Pid()) || m[3] != m[4] {
		t.Fatalf("holder pid %s (want %d), lock ID %s, force-unlock %s", m[1], holder.Pid(), m[3], m[4])
	}
	if wrong := Run(t, bin, dir, "force-unlock", "-force", "not-"+m[3]); wrong.Code() != 1 {
		t.Fatalf("force-unlock must refuse another lock ID:\n%s", wrong)
	}
	if still := Run(t, bin, dir, "plan"); still.Code() != 1 {
		t.Fatalf("the lock must still hold after a refused force-unlock:\n%s", still)
	}
	unlock := Run(t, bin, dir, "force-unlock", "-force", m[3])
	if unlock.Code() != 0 || !strings.Contains(unlock.Stdout(), "The state lock was released.") {
		t.Fatalf("force-unlock %s:\n%s", m[3], unlock)
	}
	if plan := Run(t, bin, dir, "plan"); plan.Code() != 0 {
		t.Fatalf("after force-unlock the next run proceeds:\n%s", plan)
	}

	holder.Signal(syscall.SIGKILL) // its work is left as a killed apply leaves it
	holder.Wait()
	if next := Run(t, bin, dir, "apply", "-auto-approve"); next.Code() != 0 {
		t.Fatalf("apply after the holder died:\n%s", next)
	}
	checkExactlyOnce(t, sb.Records(), 4, 0, 1000)
}
