package state

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestJournalWriterGroupsAndKeepsOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	w := newJournalWriter(f, path, 0)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			line, err := encodeLine("l", 1, Update{Remove: []string{strings.Repeat("x", i)}})
			if err == nil {
				err = w.append(line)
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
	t.Logf("200 appends took %d write+fsync batches", w.next-1)
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
	first := w.append(line)
	if first == nil || !strings.Contains(first.Error(), "could not append to the journal") {
		t.Fatalf("append to a read-only journal: %v", first)
	}
	if err := w.append(line); err != first {
		t.Errorf("the append after a failure returned %v, want the first failure again", err)
	}
}
