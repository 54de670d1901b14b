package command

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/progress"
)

// recordingHooks records what progressHooks forwards (Summary, whose
// signature is not this test's concern, is left to the nil interface).
type recordingHooks struct {
	applyHooks
	mu     sync.Mutex
	events []string
}

func (r *recordingHooks) ChangeStarted(c *plans.Change) { r.add("started " + c.Addr.String()) }

func (r *recordingHooks) ChangeFinished(c *plans.Change, err error) {
	r.add("finished " + c.Addr.String())
}

func (r *recordingHooks) ChangeSkipped(c *plans.Change, failed string) {
	r.add("skipped " + c.Addr.String())
}

func (r *recordingHooks) add(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func change(t *testing.T, addr string) *plans.Change {
	t.Helper()
	inst, err := addrs.ParseInstance(addr)
	if err != nil {
		t.Fatal(err)
	}
	return &plans.Change{Addr: inst, Provider: "usapi", Action: plans.Create}
}

// TestProgressHooksLogFailures: in a large apply without a terminal, the
// per-change lines are not forwarded; a failure is printed at once, and a
// change skipped because of another's failure says so.
func TestProgressHooksLogFailures(t *testing.T) {
	inner := &recordingHooks{}
	tracker := progress.NewTracker(map[string]int{"usapi": 3})
	var out lockedBuffer
	h := &progressHooks{applyHooks: inner, tracker: tracker, started: map[*plans.Change]time.Time{}, done: make(chan struct{}),
		logger: progress.StartLogger(&out, tracker, "apply", time.Hour)}
	ok, bad, skipped := change(t, `usapi_account.hire["ani"]`), change(t, `usapi_account.hire["budi"]`), change(t, "usapi_account.lead")
	h.ChangeStarted(ok)
	h.ChangeFinished(ok, nil)
	h.ChangeStarted(bad)
	h.ChangeFinished(bad, errors.New(`usapi_account.hire["budi"]: Registration refused: e-mail taken`+"\nthe detail"))
	h.ChangeFinished(skipped, errors.New(`not applied because usapi_account.hire["budi"] failed`))
	h.stop()

	if len(inner.events) != 0 {
		t.Errorf("per-change events forwarded: %v", inner.events)
	}
	want := "usapi_account.hire[\"budi\"]: failed after 0s: Registration refused: e-mail taken\n" +
		"usapi_account.lead: not applied: not applied because usapi_account.hire[\"budi\"] failed\n"
	if got := out.buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if c := tracker.Total(); c.Done != 1 || c.Failed != 2 || c.InFlight != 0 {
		t.Errorf("counts %+v", c)
	}
}
