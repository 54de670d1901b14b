package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHeadRecordsTheLastDurableLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTemp(t, path)
	if seq, d := l.Position(); seq != 0 || d != genesis {
		t.Fatalf("empty log: Position = %d, %s", seq, d)
	}
	for i := range 3 {
		if err := l.Record(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	seq, d := l.Position()
	l.Close()
	lines := readLines(t, path)
	if seq != 3 || d != digestHex(lines[2][:len(lines[2])-1]) {
		t.Fatalf("Position = %d, %s; want 3 and the last line's digest", seq, d)
	}
	// A reopened log knows its position too.
	l = openTemp(t, path)
	defer l.Close()
	if seq2, d2 := l.Position(); seq2 != seq || d2 != d {
		t.Fatalf("reopened: Position = %d, %s", seq2, d2)
	}
}

func TestHeadFileRoundTrip(t *testing.T) {
	path, _ := writeLog(t, 2)
	if h, err := ReadHead(path); h != nil || err != nil {
		t.Fatalf("no head yet: %v, %v", h, err)
	}
	want := Head{Log: FileName, Seq: 2, SHA256: "ab", Time: time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC), RunID: "run-1"}
	if err := WriteHead(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadHead(path)
	if err != nil || got == nil || *got != want {
		t.Fatalf("ReadHead = %+v, %v", got, err)
	}
	if fi, _ := os.Stat(HeadPath(path)); fi.Mode().Perm() != 0o600 {
		t.Errorf("head file mode %v, want 0600", fi.Mode().Perm())
	}
	// The head of another log is not this log's.
	if h, _ := ReadHead(filepath.Join(filepath.Dir(path), "other.jsonl")); h != nil {
		t.Fatal("the head of daftar.audit.jsonl was taken for other.jsonl's")
	}
}

func TestCheckAnchor(t *testing.T) {
	path, lines := writeLog(t, 4)
	digest := func(i int) string { return digestHex(lines[i][:len(lines[i])-1]) }
	tests := map[string]struct {
		log  [][]byte
		head Head
		want string
	}{
		"at the end":            {lines, Head{Seq: 4, SHA256: digest(3)}, ""},
		"appended since":        {lines, Head{Seq: 2, SHA256: digest(1)}, ""},
		"last lines removed":    {lines[:3], Head{Seq: 4, SHA256: digest(3)}, "the log ends at line 3, but the head file records line 4"},
		"rewritten":             {lines, Head{Seq: 4, SHA256: digest(2)}, "the log was rewritten"},
		"digest without a line": {lines, Head{SHA256: digest(2)}, ""},
		"digest removed":        {lines[:2], Head{SHA256: digest(2)}, "no line of the log has the sha256"},
		"an empty log's head":   {nil, Head{SHA256: genesis}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, join(tc.log), 0o600); err != nil {
				t.Fatal(err)
			}
			err := CheckAnchor(path, tc.head, "the head file")
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCheckSummarises(t *testing.T) {
	path, lines := writeLog(t, 3)
	f, _ := os.Open(path)
	defer f.Close()
	s, err := Check(f)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Lines: 3, Head: digestHex(lines[2][:len(lines[2])-1]), Runs: 1, Requests: 3,
		First: time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC), Last: time.Date(2026, 2, 11, 10, 0, 2, 0, time.UTC)}
	if s != want {
		t.Fatalf("Check = %+v\nwant    %+v", s, want)
	}
}
