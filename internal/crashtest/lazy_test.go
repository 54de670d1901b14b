package crashtest

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKilledLazyApplyFinishesExactlyOnce: the first apply of a batch from
// no state, printed for people (not -json), keeps its creates packed and
// makes each one's step and change as the executor reaches it
// (planner.Request.LazyCreates); killed with SIGKILL mid-way, against a
// sandbox that answers some requests with 500 and cuts the connection of
// others after doing the work, the applies that follow (which plan from
// the state the killed one left) finish the work with every record made
// exactly once, the tokens spent equal to the verifications declared, and
// nothing left to plan.
func TestKilledLazyApplyFinishesExactlyOnce(t *testing.T) {
	const people, tokens = crashPeople, crashTokens
	sb := droppingSandbox(t, tokens)
	dir := t.TempDir()
	Batch{Accounts: people, Verifications: people, SandboxURL: sb.URL(), RateLimit: 200}.Write(t, dir)
	p := Start(t, bin, dir, "apply", "-auto-approve", "-parallelism=20")
	if !p.WaitUntil(t.Context(), func() bool { return sb.Records().Requests.Total >= 40 }) {
		t.Fatalf("the lazy apply sent no request:\n%s", p)
	}
	p.Signal(syscall.SIGKILL)
	if !p.WaitFor(time.Minute) {
		t.Fatalf("the killed apply did not end:\n%s", p)
	}
	if rec := sb.Records(); len(rec.Accounts)+len(rec.Verifications) >= 2*people {
		t.Fatalf("the kill came after every record was made (%d accounts, %d verifications): it cut no work", len(rec.Accounts), len(rec.Verifications))
	}
	runs, finished := finish(t, dir)
	for _, r := range runs {
		checkNoRace(t, r)
	}
	if !finished {
		t.Fatalf("the apply did not succeed in %d runs after the kill; the last:\n%s", crashFinishes, runs[len(runs)-1])
	}
	checkExactlyOnce(t, sb.Records(), people, people, tokens)
	sb.Heal()
	checkStateAndPlan(t, dir, people, people)
}

// TestKilledDependentsApplyFinishesExactlyOnce: the apply of the shape
// users write, printed for people (not -json), of a verification per row
// reading its account's e-mail onto accounts already applied: the
// accounts are unchanged (kept without steps, planner.Request.
// CompactNoOps) and each verification is sent as planned, not evaluated
// again (planner's upNoOps); read by their keys alone by the outputs
// (length), they are kept lazily, without a change until the executor
// takes each (the planner's lazycreates.go). Killed with SIGKILL mid-way, against a
// sandbox that answers some requests with 500 and cuts the connection of
// others after doing the work, the applies that follow finish the work
// with every verification made exactly once, with its own row's NIK and
// name and its own account's e-mail, the tokens spent equal to the
// verifications declared, the outputs counting them all, and nothing left
// to plan.
func TestKilledDependentsApplyFinishesExactlyOnce(t *testing.T) {
	const people, tokens = crashPeople, crashTokens
	sb := droppingSandbox(t, tokens)
	dir := t.TempDir()
	Batch{Accounts: people, SandboxURL: sb.URL(), RateLimit: 200, ReadAccounts: true}.Write(t, dir)
	if _, ok := finish(t, dir); !ok {
		t.Fatal("the accounts were not applied")
	}
	// The accounts a dropped connection left undecided were adopted from
	// a read, without the digest of their configuration: an apply records
	// it, so that the next plan keeps every account without a step and
	// the verifications lazily.
	if p := Run(t, bin, dir, "apply", "-auto-approve"); p.Code() != 0 {
		t.Fatalf("the accounts' digests were not recorded:\n%s", p)
	}
	Batch{Accounts: people, Verifications: people, SandboxURL: sb.URL(), RateLimit: 200, ReadAccounts: true, Outputs: true}.Write(t, dir)
	before := sb.Records().Requests.Total
	p := Start(t, bin, dir, "apply", "-auto-approve", "-parallelism=20")
	if !p.WaitUntil(t.Context(), func() bool { return sb.Records().Requests.Total >= before+40 }) {
		t.Fatalf("the apply of the verifications sent no request:\n%s", p)
	}
	p.Signal(syscall.SIGKILL)
	if !p.WaitFor(time.Minute) {
		t.Fatalf("the killed apply did not end:\n%s", p)
	}
	if rec := sb.Records(); len(rec.Verifications) >= people {
		t.Fatalf("the kill came with %d of %d verifications made: it cut no work", len(rec.Verifications), people)
	}
	runs, finished := finish(t, dir)
	for _, r := range runs {
		checkNoRace(t, r)
	}
	if !finished {
		t.Fatalf("the apply did not succeed in %d runs after the kill; the last:\n%s", crashFinishes, runs[len(runs)-1])
	}
	rec := sb.Records()
	checkExactlyOnce(t, rec, people, people, tokens)
	own := map[string]Person{}
	for i := range people {
		own[PersonAt(i).NIK] = PersonAt(i)
	}
	for _, v := range rec.Verifications {
		if p, ok := own[v.IDNumber]; !ok || v.Email != p.Email || v.FullName != p.FullName() {
			t.Errorf("verification %s of NIK %s: e-mail %q, name %q; want its own row's (%+v)", v.ReferenceCode, v.IDNumber, v.Email, v.FullName, p)
		}
	}
	sb.Heal()
	checkStateAndPlan(t, dir, people, people)
	for _, name := range []string{"registered", "verified"} {
		if out := Run(t, bin, dir, "output", "-raw", name); out.Code() != 0 || strings.TrimSpace(out.Stdout()) != fmt.Sprint(people) {
			t.Errorf("output %s: %q, want %d:\n%s", name, out.Stdout(), people, out)
		}
	}
}

// droppingSandbox is a sandbox with tokens Proofylink tokens that answers
// some requests with 500 and cuts the connection of others after doing
// the work, seeded by Seed.
func droppingSandbox(t *testing.T, tokens int) *Sandbox {
	t.Helper()
	return StartSandbox(t, bin, "-drop-rate=0.1", "-error-rate=0.05", "-verify-delay=0s", "-latency=10ms",
		fmt.Sprintf("-tokens=%d", tokens), fmt.Sprintf("-seed=%d", Seed(t)))
}
