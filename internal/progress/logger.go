package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Logger writes the counts as a line at intervals, for runs whose output
// is a log rather than a terminal (cron):
//
//	apply: 12,345/100,000 done, 3 failed, 40 in flight, 1,234/s, ETA 1m10s
//
// With several providers, one line per provider follows the total.
type Logger struct {
	w     io.Writer
	t     *Tracker
	label string

	mu   sync.Mutex // one line at a time
	stop chan struct{}
	done sync.WaitGroup
}

// StartLogger writes a line to w every interval until Stop. Writes to w
// must not be made concurrently by anyone else but through Println.
func StartLogger(w io.Writer, t *Tracker, label string, every time.Duration) *Logger {
	ticker := time.NewTicker(every)
	l := startLogger(w, t, label, ticker.C)
	l.done.Go(func() {
		<-l.stop
		ticker.Stop()
	})
	return l
}

func startLogger(w io.Writer, t *Tracker, label string, ticks <-chan time.Time) *Logger {
	l := &Logger{w: w, t: t, label: label, stop: make(chan struct{})}
	l.done.Go(func() {
		for {
			select {
			case <-ticks:
				l.writeLines()
			case <-l.stop:
				return
			}
		}
	})
	return l
}

func (l *Logger) writeLines() {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s: %s\n", l.label, l.t.Total())
	if provs := l.t.Providers(); len(provs) > 1 {
		for _, c := range provs {
			fmt.Fprintf(l.w, "%s:   %s %s\n", l.label, c.Provider, c)
		}
	}
}

// Println writes a line between the logger's own lines (a failure, say).
func (l *Logger) Println(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, line)
}

// Stop ends the lines; it returns once the logger writes no more.
func (l *Logger) Stop() {
	close(l.stop)
	l.done.Wait()
}
