package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test's size and pace. The whole test takes about 20 seconds on
// two cores.
const (
	crashPeople   = 150 // accounts, and as many verifications
	crashKills    = 25  // applies killed with SIGKILL
	crashFinishes = 5   // applies allowed to finish the work afterwards
	crashTokens   = 1000
)

// crashApply is how the crash test runs apply. -json: one apply_start
// event per change whatever the batch's size (the human output of a large
// apply is progress lines), and the plan's resolutions as events.
var crashApply = []string{"apply", "-auto-approve", "-parallelism=20", "-json"}

// TestKilledAppliesFinishExactlyOnce is the crash test of issue 5: an
// apply of 150 accounts and 150 verifications against a sandbox that
// answers 5% of requests with 500 (doing nothing) and cuts the connection
// of 10% after doing the work, killed with SIGKILL at random moments
// again and again (and the sandbox itself killed and restarted once),
// then applied until it succeeds. Every declared record must exist
// exactly once, the tokens spent must equal the verifications declared,
// the state must hold every resource and nothing must be left to plan.
func TestKilledAppliesFinishExactlyOnce(t *testing.T) {
	seed := Seed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	sb := StartSandbox(t, bin, "-drop-rate=0.1", "-error-rate=0.05", "-verify-delay=0s", "-latency=10ms",
		fmt.Sprintf("-tokens=%d", crashTokens), fmt.Sprintf("-seed=%d", seed))
	dir := t.TempDir()
	Batch{Accounts: crashPeople, Verifications: crashPeople, SandboxURL: sb.URL(), RateLimit: 200}.Write(t, dir)

	runs, amid := killRepeatedly(t, rng, sb, dir)
	last, finished := finish(t, dir)
	runs = append(runs, last...)
	checkTheKillsCutTheWork(t, runs, amid)
	for i, p := range runs {
		if strings.Contains(p.Stderr(), "the state is locked") {
			t.Errorf("run %d found the state locked: a killed apply must never block the next one:\n%s", i+1, p)
		}
		checkNoRace(t, p)
	}
	if !finished {
		t.Fatalf("the apply did not succeed in %d runs after the kills; the last:\n%s", crashFinishes, runs[len(runs)-1])
	}
	checkExactlyOnce(t, sb.Records(), crashPeople, crashPeople, crashTokens)
	sb.Heal()
	checkStateAndPlan(t, dir, crashPeople, crashPeople)
}

// killRepeatedly starts applies and kills each at a moment picked by rng
// until crashKills kills were delivered (an apply that ends first is a run
// too, up to twice that many runs). Once, the sandbox is killed and
// restarted first. It returns the runs and how many kills came while
// changes ran.
func killRepeatedly(t *testing.T, rng *rand.Rand, sb *Sandbox, dir string) (runs []*Proc, amid int) {
	t.Helper()
	sandboxKill := 1 + rng.IntN(crashKills/2)
	for kills := 0; kills < crashKills && len(runs) < 2*crashKills; {
		p := Start(t, bin, dir, crashApply...)
		runs = append(runs, p)
		m := pickMoment(rng)
		reached := m.wait(p)
		if reached && kills == sandboxKill {
			sb.Kill()
			// The sandbox stays down a random while (the seed replays
			// it): the apply meets refused connections meanwhile.
			time.Sleep(time.Duration(50+rng.IntN(250)) * time.Millisecond)
			sb.Start()
			t.Logf("apply %d: sandbox killed %s and restarted", len(runs), m)
			reached = moment{delay: time.Duration(rng.IntN(300)) * time.Millisecond}.wait(p)
		}
		if reached {
			p.Signal(syscall.SIGKILL)
			kills++
			if p.Started() > 0 {
				amid++
			}
		}
		if !p.WaitFor(time.Minute) {
			p.Signal(syscall.SIGKILL)
			t.Fatalf("apply %d did not end in a minute:\n%s", len(runs), p)
		}
		t.Logf("apply %d: killed %s: %v; %d changes started, exit %d", len(runs), m, reached, p.Started(), p.Code())
	}
	return runs, amid
}

// finish applies until an apply succeeds, at most crashFinishes times.
func finish(t *testing.T, dir string) ([]*Proc, bool) {
	t.Helper()
	var runs []*Proc
	for i := range crashFinishes {
		p := Run(t, bin, dir, crashApply...)
		runs = append(runs, p)
		t.Logf("finishing apply %d: exit %d, %s%s%s", i+1, p.Code(), summaryMessage(p.Stdout()), failedChanges(p.Stdout()), errorLines(p.Stderr()))
		if p.Code() == 0 {
			return runs, true
		}
	}
	return runs, false
}

// checkTheKillsCutTheWork fails the test when it proved nothing: most
// kills must come while changes ran, and the later plans must have found
// intents of both outcomes.
func checkTheKillsCutTheWork(t *testing.T, runs []*Proc, amid int) {
	t.Helper()
	adopted, notCreated := 0, 0
	for _, p := range runs {
		adopted += strings.Count(p.Stdout(), `"outcome":"adopted"`)
		notCreated += strings.Count(p.Stdout(), `"outcome":"not-created"`)
	}
	t.Logf("%d runs, %d kills amid changes; intents left by killed applies: %d adopted, %d found not created",
		len(runs), amid, adopted, notCreated)
	if amid < crashKills/2 || adopted == 0 || notCreated == 0 {
		t.Errorf("the kills did not cut the work as planned (%d kills amid changes; %d adopted, %d not created): do the moments still see changes start?",
			amid, adopted, notCreated)
	}
}

// moment is when a run is killed: once it has started `changes` changes,
// plus a delay; or, with changes 0, after the delay from its start (in
// planning, refresh and resolution too).
type moment struct {
	changes int
	delay   time.Duration
}

// pickMoment picks a kill moment: one in five anywhere in the first one
// and a half seconds (start, lock, state load, refresh, resolution of
// earlier intents, creates), the others amid the creates, so that
// intents, requests and outcomes are cut at every step. Either way no more
// than killWithin changes start before the kill, so that the batch lasts
// for most of the kills.
func pickMoment(rng *rand.Rand) moment {
	if rng.IntN(5) == 0 {
		return moment{delay: time.Duration(rng.IntN(1500)) * time.Millisecond}
	}
	return moment{changes: 1 + rng.IntN(killWithin), delay: time.Duration(rng.IntN(100)) * time.Millisecond}
}

// killWithin bounds the changes a killed apply starts.
const killWithin = 15

func (m moment) String() string {
	if m.changes == 0 {
		return fmt.Sprintf("after %s", m.delay)
	}
	return fmt.Sprintf("after %d changes started + %s", m.changes, m.delay)
}

// wait waits for the moment; false when the process ended first. A
// moment by time comes early once killWithin changes have started.
func (m moment) wait(p *Proc) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if m.changes == 0 {
		ctx, cancel := context.WithTimeout(ctx, m.delay)
		defer cancel()
		p.WaitUntil(ctx, func() bool { return p.Started() >= killWithin })
		return !exited(p)
	}
	if !p.WaitUntil(ctx, func() bool { return p.Started() >= m.changes }) {
		return false
	}
	select {
	case <-time.After(m.delay):
		return true
	case <-p.Done():
		return false
	}
}

func exited(p *Proc) bool {
	select {
	case <-p.Done():
		return true
	default:
		return false
	}
}

// checkExactlyOnce asserts the sandbox holds each declared account and
// verification once, nothing else, and spent one token per verification.
func checkExactlyOnce(t *testing.T, rec *Records, accounts, verifications, tokens int) {
	t.Helper()
	byUsername := map[string]int{}
	for _, a := range rec.Accounts {
		byUsername[a.Username]++
		if p := a.BasicProfile; p == nil || p.Gender != ProfileGender || p.DateOfBirth != ProfileBirthDate {
			t.Errorf("account %s has basic profile %+v, want the declared one (%s, %s)", a.Username, p, ProfileGender, ProfileBirthDate)
		}
	}
	for i := range accounts {
		if n := byUsername[PersonAt(i).Username]; n != 1 {
			t.Errorf("account %s exists %d times, want once", PersonAt(i).Username, n)
		}
	}
	if len(rec.Accounts) != accounts {
		t.Errorf("%d accounts at USAPI, want %d", len(rec.Accounts), accounts)
	}
	byNIK := map[string][]string{}
	for _, v := range rec.Verifications {
		key := fmt.Sprintf("%s/type %d", v.IDNumber, v.VerificationTypeID)
		byNIK[key] = append(byNIK[key], v.ReferenceCode)
	}
	for i := range verifications {
		key := fmt.Sprintf("%s/type 1", PersonAt(i).NIK)
		if codes := byNIK[key]; len(codes) != 1 {
			t.Errorf("verification of %s exists %d times, want once: %v", key, len(codes), codes)
		}
	}
	if len(rec.Verifications) != verifications {
		t.Errorf("%d verifications at Proofylink, want %d", len(rec.Verifications), verifications)
	}
	if want := tokens - verifications; rec.TokensLeft != want {
		t.Errorf("%d Proofylink tokens left, want %d: tokens spent must equal the verifications declared", rec.TokensLeft, want)
	}
}

// checkStateAndPlan asserts the state lists every declared resource and
// a plan finds nothing to do.
func checkStateAndPlan(t *testing.T, dir string, accounts, verifications int) {
	t.Helper()
	list := Run(t, bin, dir, "state", "list")
	if list.Code() != 0 {
		t.Fatalf("state list:\n%s", list)
	}
	got := strings.Fields(list.Stdout())
	var want []string
	for i := range accounts {
		want = append(want, fmt.Sprintf("usapi_account.person[%q]", PersonAt(i).Username))
	}
	for i := range verifications {
		want = append(want, fmt.Sprintf("proofylink_verification.person[%q]", PersonAt(i).Username))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("state list has %d addresses, want the %d declared:\n%s", len(got), len(want), list.Stdout())
	}
	plan := Run(t, bin, dir, "plan", "-detailed-exitcode")
	if plan.Code() != 0 {
		t.Errorf("plan -detailed-exitcode: want exit 0 (no changes):\n%s", plan)
	}
	if strings.Contains(plan.Stderr(), "undecided") {
		t.Errorf("plan found an undecided intent:\n%s", plan)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// errorLines are the "Error: ..." lines of a run's standard error, one per
// line after a newline.
func errorLines(stderr string) string {
	var out strings.Builder
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "Error: ") || strings.HasPrefix(l, "│ Error: ") {
			out.WriteString("\n    " + l)
		}
	}
	return out.String()
}

// summaryMessage is the message of the -json summary event, the last line.
func summaryMessage(stdout string) string {
	var e struct{ Message string }
	if json.Unmarshal([]byte(lastLine(stdout)), &e) != nil {
		return lastLine(stdout)
	}
	return e.Message
}

// failedChanges lists the apply_errored events of -json output, one per
// line after a newline.
func failedChanges(stdout string) string {
	var out strings.Builder
	for _, l := range strings.Split(stdout, "\n") {
		var e struct{ Type, Address, Error string }
		if json.Unmarshal([]byte(l), &e) == nil && e.Type == "apply_errored" {
			out.WriteString("\n    " + e.Address + ": " + e.Error)
		}
	}
	return out.String()
}
