package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vbauerster/mpb/v8"
)

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newTestTracker(totals map[string]int) (*Tracker, *clock) {
	c := &clock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	return newTracker(totals, c.Now), c
}

func TestTrackerCounts(t *testing.T) {
	tr, clk := newTestTracker(map[string]int{"usapi": 100, "proofylink": 10})
	for range 30 {
		tr.Start("usapi")
	}
	for i := range 25 {
		tr.Finish("usapi", true, i%5 == 0)
	}
	tr.Finish("usapi", false, true) // skipped: failed without starting
	tr.Start("proofylink")
	clk.advance(10 * time.Second)

	got := tr.Provider("usapi")
	want := Counts{Provider: "usapi", Total: 100, Done: 20, Failed: 6, InFlight: 5, Elapsed: 10 * time.Second}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if r := got.Rate(); r != 2.6 {
		t.Errorf("rate %v, want 2.6/s", r)
	}
	if eta, ok := got.ETA(); !ok || eta.Round(time.Second) != 28*time.Second {
		t.Errorf("ETA %v %v, want 28s (74 left at 2.6/s)", eta, ok)
	}
	if names := []string{tr.Providers()[0].Provider, tr.Providers()[1].Provider}; names[0] != "proofylink" || names[1] != "usapi" {
		t.Errorf("providers %v, want sorted", names)
	}
	total := tr.Total()
	if total.Total != 110 || total.Done != 20 || total.Failed != 6 || total.InFlight != 6 {
		t.Errorf("total %+v", total)
	}
}

func TestCountsString(t *testing.T) {
	tests := map[string]struct {
		c    Counts
		want string
	}{
		"running": {Counts{Total: 100000, Done: 12345, Failed: 3, InFlight: 40, Elapsed: 10 * time.Second},
			"12,345/100,000 done, 3 failed, 40 in flight, 1,235/s, ETA 1m11s"},
		"nothing finished": {Counts{Total: 5, InFlight: 5, Elapsed: time.Second}, "0/5 done, 0 failed, 5 in flight, 0/s, ETA unknown"},
		"all finished":     {Counts{Total: 2, Done: 2, Elapsed: 4 * time.Second}, "2/2 done, 0 failed, 0 in flight, 1/s, ETA 0s"},
		"hours":            {Counts{Total: 100000, Done: 10, Elapsed: 10 * time.Second}, "10/100,000 done, 0 failed, 0 in flight, 1/s, ETA 27h47m"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.c.String(); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 123456: "123,456", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLoggerWritesAtEachTick(t *testing.T) {
	tr, clk := newTestTracker(map[string]int{"usapi": 4, "proofylink": 2})
	var out syncBuffer
	ticks := make(chan time.Time)
	l := startLogger(&out, tr, "apply", ticks)
	tr.Start("usapi")
	tr.Finish("usapi", true, false)
	clk.advance(2 * time.Second)
	ticks <- time.Time{}
	out.waitLines(3) // the tick's lines, then the failure's
	l.Println("usapi_account.a: failed after 1s: boom")
	ticks <- time.Time{}
	l.Stop()
	want := "apply: 1/6 done, 0 failed, 0 in flight, 1/s, ETA 10s\n" +
		"apply:   proofylink 0/2 done, 0 failed, 0 in flight, 0/s, ETA unknown\n" +
		"apply:   usapi 1/4 done, 0 failed, 0 in flight, 1/s, ETA 6s\n"
	want = want + "usapi_account.a: failed after 1s: boom\n" + want
	if got := out.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDisplayDrawsEveryProvider(t *testing.T) {
	tr, _ := newTestTracker(map[string]int{"usapi": 3, "proofylink": 2})
	var out syncBuffer
	d := newDisplay(&out, tr, mpb.WithAutoRefresh(), mpb.WithRefreshRate(time.Millisecond))
	for range 3 {
		tr.Start("usapi")
		tr.Finish("usapi", true, false)
		d.Finished("usapi")
	}
	tr.Start("proofylink")
	tr.Finish("proofylink", true, true)
	d.Finished("proofylink")
	d.Println("proofylink_verification.v: failed after 0s: boom")
	d.Stop() // proofylink never finishes: its bar is left as it is
	got := out.String()
	for _, want := range []string{"usapi", "3/3", "proofylink", "1/2", "1 failed", "failed after 0s: boom"} {
		if !strings.Contains(got, want) {
			t.Errorf("the display lacks %q:\n%s", want, got)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the display's goroutine.
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote *sync.Cond // broadcast at each write (waitLines)
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wrote != nil {
		b.wrote.Broadcast()
	}
	return b.buf.Write(p)
}

// waitLines returns once n lines were written: a tick is handed to the
// logger's goroutine before it writes its lines.
func (b *syncBuffer) waitLines(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wrote == nil {
		b.wrote = sync.NewCond(&b.mu)
	}
	for bytes.Count(b.buf.Bytes(), []byte("\n")) < n {
		b.wrote.Wait()
	}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
