package state

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestJournalWriterGroupsAndKeepsOrder holds the first batch's write
// until the next lines have gathered one by one behind it: they must then
// be written together, as one batch, in the order they were appended, and
// the file must hold every line in that order.
func TestJournalWriterGroupsAndKeepsOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	w := newJournalWriter(f, path, 0)
	held, release := make(chan struct{}), make(chan struct{})
	var batches [][]byte // written by the hook, read after every append returned
	w.writeHook = func(batch []byte) {
		batches = append(batches, append([]byte(nil), batch...))
		if len(batches) == 1 {
			close(held)
			<-release
		}
	}
	const n = 50
	lines := make([][]byte, n)
	for i := range lines {
		lines[i], err = encodeLine("l", 1, Update{Remove: []string{fmt.Sprintf("r.n%d", i)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, n)
	go func() { _, err := w.append(lines[0]); errs <- err }()
	<-held
	gathered := 0
	for i := 1; i < n; i++ {
		go func() { _, err := w.append(lines[i]); errs <- err }()
		gathered += len(lines[i])
		waitPending(t, w, gathered) // line i is in the batch before line i+1 starts
	}
	close(release)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	w.close()

	if len(batches) != 2 {
		t.Fatalf("%d lines appended while the first was being written took %d batches, want 2 (the first line, then all the others together)", n, len(batches))
	}
	if !bytes.Equal(batches[0], lines[0]) {
		t.Errorf("first batch %q, want the first line alone", batches[0])
	}
	if want := bytes.Join(lines[1:], nil); !bytes.Equal(batches[1], want) {
		t.Errorf("second batch %q,\nwant the other lines in the order they were appended %q", batches[1], want)
	}
	data, _ := os.ReadFile(path)
	if want := bytes.Join(lines, nil); !bytes.Equal(data, want) {
		t.Errorf("journal %q,\nwant every line in order %q", data, want)
	}
	sc, err := scanJournal(data, path)
	if err != nil || len(sc.entries) != n || sc.torn != 0 {
		t.Fatalf("scan: %d entries, %d torn bytes, err %v", len(sc.entries), sc.torn, err)
	}
}

// waitPending waits until the gathering batch holds size bytes. It polls
// the writer's state (an append has no other sign of having queued), with
// a deadline.
func waitPending(t *testing.T, w *journalWriter, size int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.mu.Lock()
		got := len(w.pending)
		w.mu.Unlock()
		if got >= size {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the gathering batch holds %d bytes after 30s, want %d", got, size)
		}
		runtime.Gosched()
	}
}

// TestJournalWriterConcurrentAppends: 200 appends at once all land whole.
func TestJournalWriterConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	w := newJournalWriter(f, path, 0)
	var wg sync.WaitGroup
	lines, offs := make([][]byte, 200), make([]int64, 200)
	for i := range 200 {
		wg.Go(func() {
			line, err := encodeLine("l", 1, Update{Remove: []string{strings.Repeat("x", i)}})
			if err == nil {
				lines[i] = line
				offs[i], err = w.append(line)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	w.close()
	data, _ := os.ReadFile(path)
	sc, err := scanJournal(data, path)
	if err != nil || len(sc.entries) != 200 || sc.torn != 0 || sc.valid != int64(len(data)) {
		t.Fatalf("scan after 200 concurrent appends: %d entries, %d torn bytes, err %v", len(sc.entries), sc.torn, err)
	}
	for i, off := range offs {
		if end := off + int64(len(lines[i])); end > int64(len(data)) || !bytes.Equal(data[off:end], lines[i]) {
			t.Errorf("append %d returned the offset %d, where its line is not", i, off)
		}
	}
}

func TestJournalWriterStopsAfterFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path) // read-only: every write fails
	if err != nil {
		t.Fatal(err)
	}
	w := newJournalWriter(f, path, 0)
	defer w.close()
	line, _ := encodeLine("l", 1, Update{Remove: []string{"a.b"}})
	_, first := w.append(line)
	if first == nil || !strings.Contains(first.Error(), "could not append to the journal") {
		t.Fatalf("append to a read-only journal: %v", first)
	}
	if _, err := w.append(line); err != first {
		t.Errorf("the append after a failure returned %v, want the first failure again", err)
	}
}

// TestJournalWriterLingeringBatchIsDurableOnReturn: after a batch of
// several lines, the next batch waits for more lines before it is written
// (the commit delay). Lines appended meanwhile must each be in the file
// when their append returns, in the order appended, and the wait must not
// split or reorder a caller's line.
func TestJournalWriterLingeringBatchIsDurableOnReturn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	w := newJournalWriter(f, path, 0)
	var batches [][]byte
	w.writeHook = func(batch []byte) { batches = append(batches, append([]byte(nil), batch...)) }
	w.last, w.took = 2, maxLinger // as after a batch of concurrent appends
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			line, err := encodeLine("l", 1, Update{Remove: []string{fmt.Sprintf("r.n%d", i)}})
			var off int64
			if err == nil {
				off, err = w.append(line)
			}
			if err != nil {
				t.Error(err)
				return
			}
			if data, _ := os.ReadFile(path); off+int64(len(line)) > int64(len(data)) || !bytes.Equal(data[off:off+int64(len(line))], line) {
				t.Errorf("append of line %d returned before the line was in the journal at the offset it returned (%d)", i, off)
			}
		})
	}
	wg.Wait()
	w.close()
	data, _ := os.ReadFile(path)
	if want := bytes.Join(batches, nil); !bytes.Equal(data, want) {
		t.Errorf("the journal is not its batches in the order written")
	}
	sc, err := scanJournal(data, path)
	if err != nil || len(sc.entries) != n || sc.torn != 0 {
		t.Fatalf("scan: %d entries, %d torn bytes, err %v", len(sc.entries), sc.torn, err)
	}
}
