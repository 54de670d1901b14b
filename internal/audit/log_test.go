package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTemp(t *testing.T, path string) *Log {
	t.Helper()
	l, err := Open(path, Options{RunID: "run-1", Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func entry(i int) Entry {
	return Entry{
		Time: time.Date(2026, 2, 11, 10, 0, i, 0, time.UTC), Resource: fmt.Sprintf(`usapi_account.hire["%d"]`, i),
		Provider: "usapi", Method: "POST", Path: "/signup", Status: 200, Duration: 1500 * time.Microsecond,
		RequestSHA256: digestHex([]byte("req")), ResponseSHA256: digestHex([]byte("resp")), Outcome: OK,
	}
}

// writeLog makes a log of n request lines and returns its lines.
func writeLog(t *testing.T, n int) (string, [][]byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	l := openTemp(t, path)
	for i := range n {
		if err := l.Record(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path, readLines(t, path)
}

func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(b, []byte("\n"))[:bytes.Count(b, []byte("\n"))]
}

func join(lines [][]byte) []byte { return bytes.Join(lines, nil) }

// resealed returns line with its own hash recomputed, as a careful forger
// would leave it.
func resealed(t *testing.T, line []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "hash")
	out, err := seal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestVerifyTampering(t *testing.T) {
	_, orig := writeLog(t, 5)
	clone := func() [][]byte {
		c := make([][]byte, len(orig))
		for i, l := range orig {
			c[i] = append([]byte{}, l...)
		}
		return c
	}
	tests := map[string]struct {
		tamper   func([][]byte) []byte
		wantLine int // 0: intact
	}{
		"intact": {func(l [][]byte) []byte { return join(l) }, 0},
		"edit a field": {func(l [][]byte) []byte {
			l[2] = bytes.Replace(l[2], []byte(`"status":200`), []byte(`"status":201`), 1)
			return join(l)
		}, 3},
		"edit a field and reseal the line": {func(l [][]byte) []byte {
			l[2] = resealed(t, bytes.Replace(l[2], []byte(`"status":200`), []byte(`"status":201`), 1))
			return join(l)
		}, 4},
		"delete a line": {func(l [][]byte) []byte {
			return join(append(l[:1], l[2:]...))
		}, 2},
		"delete the first line": {func(l [][]byte) []byte { return join(l[1:]) }, 1},
		"reorder two lines": {func(l [][]byte) []byte {
			l[1], l[2] = l[2], l[1]
			return join(l)
		}, 2},
		"insert a line": {func(l [][]byte) []byte {
			out := append([][]byte{}, l[:3]...)
			out = append(out, l[0])
			return join(append(out, l[3:]...))
		}, 4},
		"truncate the last line": {func(l [][]byte) []byte {
			b := join(l)
			return b[:len(b)-10]
		}, 5},
		"edit the last line": {func(l [][]byte) []byte {
			l[4] = bytes.Replace(l[4], []byte(`"method":"POST"`), []byte(`"method":"GET"`), 1)
			return join(l)
		}, 5},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			n, err := Verify(bytes.NewReader(tc.tamper(clone())))
			if tc.wantLine == 0 {
				if err != nil || n != 5 {
					t.Fatalf("Verify = %d, %v; want 5, nil", n, err)
				}
				return
			}
			var be *BreakError
			if !errors.As(err, &be) {
				t.Fatalf("Verify error = %v, want a *BreakError", err)
			}
			if be.Line != tc.wantLine {
				t.Errorf("broken line = %d (%s), want %d", be.Line, be.Reason, tc.wantLine)
			}
			if n != tc.wantLine-1 {
				t.Errorf("lines verified = %d, want %d", n, tc.wantLine-1)
			}
		})
	}
}

func TestReopenContinuesChain(t *testing.T) {
	path, _ := writeLog(t, 3)
	l := openTemp(t, path)
	for i := range 2 {
		if err := l.Record(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	head := l.Head()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if n, err := Verify(bytes.NewReader(join(lines))); err != nil || n != 5 {
		t.Fatalf("Verify = %d, %v; want 5, nil", n, err)
	}
	if !bytes.Contains(lines[4], []byte(`"seq":5,`)) {
		t.Errorf("last line = %s, want seq 5", lines[4])
	}
	if want := digestHex(bytes.TrimSuffix(lines[4], []byte("\n"))); head != want {
		t.Errorf("Head = %s, want %s", head, want)
	}
}

func TestFileMode(t *testing.T) {
	path, _ := writeLog(t, 1)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode = %v, want 0600", got)
	}
}

func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTemp(t, path)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 40 {
				if err := l.Record(entry(g*100 + i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n, err := Verify(f); err != nil || n != 640 {
		t.Fatalf("Verify = %d, %v; want 640, nil", n, err)
	}
}

func TestTornLineRepaired(t *testing.T) {
	path, _ := writeLog(t, 3)
	torn := []byte(`{"v":1,"seq":4,"event":"request","ti`)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(torn)
	f.Close()
	if _, err := Verify(bytes.NewReader(join(readLines(t, path)))); err != nil {
		t.Fatalf("complete lines do not verify: %v", err)
	}

	l := openTemp(t, path)
	if err := l.Record(entry(9)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	if n, err := Verify(bytes.NewReader(b)); err != nil || n != 5 {
		t.Fatalf("Verify after repair = %d, %v; want 5, nil", n, err)
	}
	lines := readLines(t, path)
	var repair repairLine
	if err := json.Unmarshal(lines[3], &repair); err != nil {
		t.Fatal(err)
	}
	want := repairLine{V: 1, Seq: 4, Event: eventRepairedTornLine, TornBytes: int64(len(torn)), TornSHA256: digestHex(torn)}
	if repair.Seq != want.Seq || repair.Event != want.Event || repair.TornBytes != want.TornBytes || repair.TornSHA256 != want.TornSHA256 {
		t.Errorf("repair line = %+v, want %+v", repair, want)
	}
	if bytes.Contains(b, torn) {
		t.Error("the torn bytes are still in the file")
	}
}

func TestTornOnlyLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(path, []byte(`{"v":1,"se`), 0o600)
	l := openTemp(t, path)
	l.Close()
	b, _ := os.ReadFile(path)
	if n, err := Verify(bytes.NewReader(b)); err != nil || n != 1 {
		t.Fatalf("Verify = %d, %v; want 1, nil", n, err)
	}
}

func TestOpenRefusesAlteredLastLine(t *testing.T) {
	path, lines := writeLog(t, 2)
	lines[1] = bytes.Replace(lines[1], []byte(`"status":200`), []byte(`"status":201`), 1)
	os.WriteFile(path, join(lines), 0o600)
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "audit verify") {
		t.Fatalf("Open error = %v, want one pointing at audit verify", err)
	}
}

func TestLongLogTail(t *testing.T) {
	// More than one read window of lines before the tail.
	path, _ := writeLog(t, 40)
	l := openTemp(t, path)
	l.Record(entry(1))
	l.Close()
	b, _ := os.ReadFile(path)
	if n, err := Verify(bytes.NewReader(b)); err != nil || n != 41 {
		t.Fatalf("Verify = %d, %v; want 41, nil", n, err)
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Record(entry(1))
		}
	})
}

// TestLingeringBatchIsDurableOnReturn: after a batch of several lines, the
// next batch waits for more lines before it is written (the commit delay).
// Every line recorded meanwhile must be in the file when its Record (or
// RecordSent) returns, and the chain must verify, with Head the last line.
func TestLingeringBatchIsDurableOnReturn(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTemp(t, path)
	l.mu.Lock()
	l.last, l.took = 2, maxLinger // as after a batch of concurrent requests
	l.mu.Unlock()
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e := entry(i)
			record := l.Record
			if i%2 == 0 {
				record = l.RecordSent
			}
			if err := record(e); err != nil {
				t.Error(err)
				return
			}
			data, _ := os.ReadFile(path)
			if !bytes.Contains(data, []byte(`"resource":"`+strings.ReplaceAll(e.Resource, `"`, `\"`)+`"`)) {
				t.Errorf("the line of %s was not in the file when its record returned", e.Resource)
			}
		})
	}
	wg.Wait()
	head := l.Head()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if n2, err := Verify(bytes.NewReader(join(lines))); err != nil || n2 != n {
		t.Fatalf("Verify = %d, %v; want %d, nil", n2, err, n)
	}
	if want := digestHex(bytes.TrimSuffix(lines[len(lines)-1], []byte("\n"))); head != want {
		t.Errorf("Head = %s, want the last line's digest %s", head, want)
	}
}
