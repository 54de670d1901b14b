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
// and the command that releases it. force-unlock with another ID is
// refused; with that ID and one -force it is refused too, since the
// holder runs (stopped, here); with -force given twice it is released, a
// second apply runs, and the holder, resumed, finds its lock gone and
// stops without sending anything more: every account exists once.
func TestLiveLockReportedAndForceUnlocked(t *testing.T) {
	sb := StartSandbox(t, bin, "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Accounts: 8, SandboxURL: sb.URL(), RateLimit: 5}.Write(t, dir)
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
	if wrong := Run(t, bin, dir, "force-unlock", "-force", "-force", "not-"+m[3]); wrong.Code() != 1 {
		t.Fatalf("force-unlock must refuse another lock ID:\n%s", wrong)
	}
	once := Run(t, bin, dir, "force-unlock", "-force", m[3])
	if once.Code() != 1 || !strings.Contains(once.Stderr(), "still running") || !strings.Contains(once.Stderr(), "force-unlock -force -force "+m[3]) {
		t.Fatalf("force-unlock -force of a running holder must be refused, naming the second confirmation:\n%s", once)
	}
	if still := Run(t, bin, dir, "plan"); still.Code() != 1 {
		t.Fatalf("the lock must still hold after a refused force-unlock:\n%s", still)
	}
	unlock := Run(t, bin, dir, "force-unlock", "-force", "-force", m[3])
	if unlock.Code() != 0 || !strings.Contains(unlock.Stdout(), "The state lock was released.") {
		t.Fatalf("force-unlock -force -force %s:\n%s", m[3], unlock)
	}
	if next := Run(t, bin, dir, "apply", "-auto-approve"); next.Code() != 0 {
		t.Fatalf("apply after force-unlock:\n%s", next)
	}

	holder.Signal(syscall.SIGCONT)
	if code := holder.Wait(); code != 1 || !strings.Contains(holder.Stderr(), "was lost") {
		t.Fatalf("the resumed holder must stop with its lock lost:\n%s", holder)
	}
	if again := Run(t, bin, dir, "apply", "-auto-approve"); again.Code() != 0 {
		t.Fatalf("apply after the holder stopped:\n%s", again)
	}
	checkExactlyOnce(t, sb.Records(), 8, 0, 1000)
	checkStateAndPlan(t, dir, 8, 0)
}

// A running apply whose lock file is removed under it (by hand, or
// force-unlock from a machine that cannot see its flock) stops sending
// within a second, with an error saying so, while a second apply that
// took the lock meanwhile finishes the work: every account and
// verification exists once.
func TestRemovedLockFileStopsApply(t *testing.T) {
	sb := StartSandbox(t, bin, "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Accounts: 12, Verifications: 12, SandboxURL: sb.URL(), RateLimit: 4}.Write(t, dir)
	first := Start(t, bin, dir, "apply", "-auto-approve")
	t.Cleanup(func() { first.Signal(syscall.SIGKILL); first.Wait() })
	if !first.WaitUntil(t.Context(), func() bool { return len(sb.Records().Accounts) >= 2 }) {
		t.Fatalf("no account was created:\n%s", first)
	}
	if err := os.Remove(filepath.Join(dir, "daftar.state.json.lock")); err != nil {
		t.Fatal(err)
	}
	second := Start(t, bin, dir, "apply", "-auto-approve", "-lock-timeout=1m")
	if code := first.Wait(); code != 1 || !strings.Contains(first.Stderr(), "lock file was removed or replaced") {
		t.Fatalf("the apply whose lock file was removed must stop, saying why:\n%s", first)
	}
	if code := second.Wait(); code != 0 {
		t.Fatalf("the apply that took the lock:\n%s", second)
	}
	checkExactlyOnce(t, sb.Records(), 12, 12, 1000)
	checkStateAndPlan(t, dir, 12, 12)
}

// A create whose answer is slow has its "sent" line in the audit log
// before it leaves: an apply killed while waiting for the answer leaves
// that line (and no outcome line for it), the log still verifies, and
// the next apply resolves the create without paying twice.
func TestKillBetweenSendAndAnswerLeavesSentLine(t *testing.T) {
	sb := StartSandbox(t, bin, "-latency=2s", "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Verifications: 3, SandboxURL: sb.URL(), RateLimit: 10}.Write(t, dir)
	p := Start(t, bin, dir, "apply", "-auto-approve")
	t.Cleanup(func() { p.Signal(syscall.SIGKILL); p.Wait() })
	log := filepath.Join(dir, "daftar.audit.jsonl")
	sentLine := func() bool {
		data, _ := os.ReadFile(log)
		return strings.Contains(string(data), `"event":"sent"`)
	}
	if !p.WaitUntil(t.Context(), sentLine) {
		t.Fatalf("no sent line was written:\n%s", p)
	}
	p.Signal(syscall.SIGKILL)
	p.Wait()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	sent, answered := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		switch {
		case strings.Contains(line, `"event":"sent"`):
			sent++
		case strings.Contains(line, `"method":"POST"`):
			answered++
		}
	}
	if sent == 0 || answered >= sent {
		t.Fatalf("after a kill while creates waited for their answers, the log holds %d sent lines and %d POST outcomes; want more sent than answered:\n%s", sent, answered, data)
	}
	if v := Run(t, bin, dir, "audit", "verify"); v.Code() != 0 {
		t.Fatalf("audit verify after the kill:\n%s", v)
	}
	if next := Run(t, bin, dir, "apply", "-auto-approve"); next.Code() != 0 {
		t.Fatalf("apply after the kill:\n%s", next)
	}
	checkExactlyOnce(t, sb.Records(), 0, 3, 1000)
}
