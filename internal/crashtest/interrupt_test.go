package crashtest

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An interrupt (Ctrl-C, or SIGTERM from a service manager) during apply
// starts no new change and sends no new request, lets the requests in
// flight finish and records what they did, and exits 1 with the summary;
// the next apply finishes the rest with nothing created twice and no
// intent left to resolve.
func TestInterruptFinishesInFlightWork(t *testing.T) {
	for name, sig := range map[string]syscall.Signal{"SIGINT": syscall.SIGINT, "SIGTERM": syscall.SIGTERM} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const people, parallelism = 30, 5
			sb := StartSandbox(t, bin, "-latency=200ms", "-verify-delay=0s")
			dir := t.TempDir()
			Batch{Accounts: people, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
			p := Start(t, bin, dir, "apply", "-auto-approve", "-parallelism=5")
			// The sandbox has received the first registrations (they are
			// answered 200ms later): requests are in flight.
			inFlight := func() bool { return sb.Records().Requests.Total >= parallelism }
			if !p.WaitUntil(t.Context(), inFlight) {
				t.Fatalf("no request reached the sandbox:\n%s", p)
			}
			p.Signal(sig)
			atSignal := p.Started()
			if !p.WaitFor(time.Minute) {
				t.Fatalf("the interrupted apply did not exit:\n%s", p)
			}
			if p.Code() != 1 || !strings.HasPrefix(lastLine(p.Stdout()), "Apply interrupted! ") ||
				!strings.Contains(p.Stderr(), "Interrupt received") {
				t.Fatalf("want exit 1, the interrupt acknowledged and the summary \"Apply interrupted! ...\":\n%s", p)
			}
			// A change may have passed the check just as the signal came;
			// none starts once the interrupt is handled.
			if p.Started() > atSignal+parallelism || p.Started() >= people {
				t.Errorf("%d changes started, %d when interrupted: new work must stop", p.Started(), atSignal)
			}
			// The registrations in flight were answered and recorded: every
			// account USAPI has is in the state, none left as an intent.
			list := Run(t, bin, dir, "state", "list")
			if got, made := len(strings.Fields(list.Stdout())), len(sb.Records().Accounts); got != made || made == 0 {
				t.Errorf("the state lists %d accounts, USAPI has %d: the requests in flight must finish and be recorded", got, made)
			}
			next := Run(t, bin, dir, "apply", "-auto-approve")
			if next.Code() != 0 || strings.Contains(next.Stdout(), "interrupted apply") {
				t.Fatalf("the next apply must finish with no intent to resolve (the interrupted one recorded its work):\n%s", next)
			}
			checkExactlyOnce(t, sb.Records(), people, 0, 1000)
			checkNoRace(t, p)
		})
	}
}

// A second interrupt exits at once, without waiting for the requests in
// flight; the journal holds their intents, and the next apply resolves
// them and finishes with nothing created twice.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	const people, parallelism = 10, 5
	// The first five creates are done and their answers held until the
	// client goes away: they are in flight for as long as the apply lives,
	// so an apply that waited for them after the second interrupt would
	// never exit.
	flags := []string{"-verify-delay=0s"}
	for n := 1; n <= parallelism; n++ {
		flags = append(flags, fmt.Sprintf("-fault=hang-after:POST:%s:%d", uploadConsent, n))
	}
	sb := StartSandbox(t, bin, flags...)
	dir := t.TempDir()
	Batch{Verifications: people, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
	p := Start(t, bin, dir, "apply", "-auto-approve", "-parallelism=5")
	if !p.WaitUntil(t.Context(), func() bool { return sb.Records().Requests.Held >= parallelism }) {
		t.Fatalf("the creates did not reach the sandbox:\n%s", p)
	}
	p.Signal(syscall.SIGINT)
	if !p.WaitUntil(t.Context(), func() bool { return strings.Contains(p.Stderr(), "Interrupt received") }) {
		t.Fatalf("the first interrupt was not acknowledged:\n%s", p)
	}
	p.Signal(syscall.SIGINT)
	if !p.WaitFor(time.Minute) {
		p.Signal(syscall.SIGKILL)
		t.Fatalf("a second interrupt must exit at once, without waiting for the creates in flight:\n%s", p)
	}
	if p.Code() != 130 || !strings.Contains(p.Stderr(), "Exiting at once") {
		t.Fatalf("want exit 130 and \"Exiting at once\":\n%s", p)
	}
	sb.Kill() // records are written before answers: nothing is lost
	sb.Flags = []string{"-verify-delay=0s"}
	sb.Start()
	next := Run(t, bin, dir, "apply", "-auto-approve")
	if next.Code() != 0 {
		t.Fatalf("the next apply must finish:\n%s", next)
	}
	if got := strings.Count(next.Stdout(), "interrupted apply"); got != parallelism {
		t.Errorf("%d intents resolved, want the %d the journal kept for the creates in flight:\n%s", got, parallelism, next.Stdout())
	}
	checkExactlyOnce(t, sb.Records(), 0, people, 1000)
	checkNoRace(t, p)
}

// Changes in flight whose create is still queued at the rate limiter when
// the interrupt comes send nothing: the apply stops at once instead of
// sending one create a second for as long as the queue lasts.
func TestInterruptSendsNothingQueued(t *testing.T) {
	const people = 10
	sb := StartSandbox(t, bin, "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Verifications: people, SandboxURL: sb.URL(), RateLimit: 1}.Write(t, dir)
	p := Start(t, bin, dir, "apply", "-auto-approve", "-parallelism=10")
	if !p.WaitUntil(t.Context(), func() bool { return p.Started() >= people }) {
		t.Fatalf("the changes did not start:\n%s", p)
	}
	before := len(sb.Records().Verifications)
	p.Signal(syscall.SIGINT)
	// At one create a second, the queue would last about 9 more seconds;
	// the count of verifications below tells whether it was sent (a time
	// bound would flake on a loaded machine).
	if !p.WaitFor(time.Minute) {
		p.Signal(syscall.SIGKILL)
		t.Fatalf("the interrupted apply kept sending its queue:\n%s", p)
	}
	if p.Code() != 1 || !strings.HasPrefix(lastLine(p.Stdout()), "Apply interrupted! ") {
		t.Fatalf("want exit 1 and the summary \"Apply interrupted! ...\":\n%s", p)
	}
	if after := len(sb.Records().Verifications); after > before+1 {
		t.Errorf("%d verifications created after the interrupt, want at most the one in flight", after-before)
	}
	if n := strings.Count(p.Stderr(), "Error: "); n != 1 || !strings.Contains(p.Stderr(), "Error: Apply interrupted") {
		t.Errorf("the changes never sent are not started, not failed: want only \"Error: Apply interrupted\", got %d errors:\n%s", n, p.Stderr())
	}
	Batch{Verifications: people, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
	next := Run(t, bin, dir, "apply", "-auto-approve")
	if next.Code() != 0 || strings.Contains(next.Stdout(), "interrupted apply") {
		t.Fatalf("the next apply must finish with no intent to resolve (the queued creates were never sent):\n%s", next)
	}
	checkExactlyOnce(t, sb.Records(), 0, people, 1000)
	checkNoRace(t, p)
}

// An interrupt while the plan is made (here while it reads the token
// balance) stops the apply before any change: nothing is applied, and
// apply still ends with its summary line.
func TestInterruptWhilePlanning(t *testing.T) {
	sb := StartSandbox(t, bin, "-latency=2s", "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Verifications: 3, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
	p := Start(t, bin, dir, "apply", "-auto-approve")
	if !p.WaitUntil(t.Context(), func() bool { return sb.Records().Requests.Total >= 1 }) {
		t.Fatalf("the plan read nothing:\n%s", p)
	}
	p.Signal(syscall.SIGINT)
	if !p.WaitFor(time.Minute) {
		t.Fatalf("the interrupted apply did not exit:\n%s", p)
	}
	if p.Code() != 1 || p.Started() != 0 || !strings.HasPrefix(lastLine(p.Stdout()), "Apply interrupted! Resources: 0 added") {
		t.Fatalf("want exit 1, no change started, and \"Apply interrupted! Resources: 0 added ...\":\n%s", p)
	}
	if n := len(sb.Records().Verifications); n != 0 {
		t.Fatalf("%d verifications created by an apply interrupted while planning", n)
	}
	checkNoRace(t, p)
}

// TestInterruptDuringPlanPrintsOneLine: one Ctrl-C during plan prints one
// line, not an error for each request it cut and each value it left
// uncomputed.
func TestInterruptDuringPlanPrintsOneLine(t *testing.T) {
	sb := StartSandbox(t, bin, "-latency=2s", "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Verifications: 9, SandboxURL: sb.URL(), RateLimit: 100}.Write(t, dir)
	p := Start(t, bin, dir, "plan")
	if !p.WaitUntil(t.Context(), func() bool { return sb.Records().Requests.Total >= 1 }) {
		t.Fatalf("the plan read nothing:\n%s", p)
	}
	p.Signal(syscall.SIGINT)
	if !p.WaitFor(time.Minute) {
		t.Fatalf("the interrupted plan did not exit:\n%s", p)
	}
	var lines []string
	for _, l := range strings.Split(p.Stderr(), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if p.Code() != 1 || len(lines) != 1 || !strings.Contains(lines[0], "interrupted while planning") {
		t.Fatalf("want exit 1 and one line saying the plan was interrupted:\n%s", p)
	}
}
