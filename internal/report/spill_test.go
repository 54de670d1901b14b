package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/state"
	"github.com/google/go-cmp/cmp"
)

// tinySpills makes every spill of the test write a run every few records
// and merge three runs at a time, so that the merge, and the merges of
// merges, run on small inputs.
func tinySpills(t *testing.T, limit int) {
	old := spillLimits
	spillLimits.limit, spillLimits.fanIn = limit, 3
	t.Cleanup(func() { spillLimits = old })
}

// TestSpillSortsOnDisk: records added in random order come back sorted by
// key then sequence, through runs on disk and merges of merges, as often
// as they are read; the runs are not in the folder (removed once open,
// where the system allows it), have mode 0600, do not hold the records in
// clear; a run changed on disk is an error, and close removes them.
func TestSpillSortsOnDisk(t *testing.T) {
	tinySpills(t, 200)
	dir := t.TempDir()
	s := newSpill(dir)
	var want []record
	for i := range 500 {
		r := record{key: fmt.Sprintf("Budi Santoso %03d", rand.IntN(60)), seq: uint64(i), data: []byte(fmt.Sprintf("budi%d@example.id", i))}
		want = append(want, r)
		s.add(r.key, r.seq, r.data)
	}
	slices.SortFunc(want, compareRecords)
	for range 2 {
		var got []record
		if err := s.each(func(r record) bool { got = append(got, r); return true }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(record{})); diff != "" {
			t.Fatalf("sorted records (-want +got):\n%s", diff)
		}
	}
	if len(s.runs) < 2 || len(s.runs) > 3 {
		t.Fatalf("%d runs left after merging 3 at a time; want 2 or 3", len(s.runs))
	}
	if files, _ := os.ReadDir(dir); runtime.GOOS != "windows" && len(files) != 0 {
		t.Errorf("%d runs can be found in the folder: a report killed would leave them", len(files))
	}
	for _, run := range s.runs {
		info, err := run.f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("a run has mode %v; want 0600", info.Mode().Perm())
		}
		data, err := io.ReadAll(io.NewSectionReader(run.f, 0, run.size))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("Budi")) || bytes.Contains(data, []byte("example.id")) {
			t.Errorf("a run holds a record in clear")
		}
	}
	b := make([]byte, 1)
	run := s.runs[0]
	if _, err := run.f.ReadAt(b, run.size/2); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 1
	if _, err := run.f.WriteAt(b, run.size/2); err != nil {
		t.Fatal(err)
	}
	if err := s.each(func(record) bool { return true }); err != errDamagedRun {
		t.Errorf("reading a changed run gave %v; want %v", err, errDamagedRun)
	}
	s.close()
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("%d temporary files left after close", len(files))
	}
}

// TestStreamSortsOnDisk: with runs of a few records, the people's table
// and the evidence go through many runs on disk, and the streamed report
// is still, in every format, byte for byte the report built whole; the
// temporary files are gone after. The state has 300 people, some in a
// module, some by count, with failed and pending records, a run record,
// and an audit log of several runs that changed them.
func TestStreamSortsOnDisk(t *testing.T) {
	now := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	st := state.New()
	st.Lineage, st.Serial = "lin-2", 7
	var set []*state.Resource
	var records []audit.Record
	seq := uint64(0)
	la := &LastApply{RunID: "run-9", Finished: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	for i := range 300 {
		key := fmt.Sprintf("p%d", rng.IntN(1000))
		acct := fmt.Sprintf(`usapi_account.hire[%q]`, key)
		if i%7 == 0 {
			acct = fmt.Sprintf(`module.team[%q].usapi_account.hire`, key)
		}
		if i%11 == 0 {
			acct = fmt.Sprintf(`usapi_account.count[%d]`, i)
		}
		ver := fmt.Sprintf(`proofylink_verification.check[%q]`, key)
		status := []string{"completed", "failed", "processing"}[rng.IntN(3)]
		set = append(set,
			resource(acct, "usapi_account", fmt.Sprintf(`{"username":%q,"first_name":"Nama %d","email":"%s@example.id"}`, key, i, key)),
			resource(ver, "proofylink_verification", fmt.Sprintf(`{"reference_code":"EMP-%d","full_name":"Nama %d","status":%q,"failed_message":"OCR"}`, i, i, status)))
		if i%13 == 0 {
			set = append(set, (&state.Resource{Address: fmt.Sprintf(`usapi_account.late[%q]`, key)}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "late", Provider: "usapi"}).WithPending(&state.Intent{ID: "i", Operation: "create", Started: now, RunID: "run-7"}))
		}
		switch i % 17 {
		case 1:
			la.Failed = append(la.Failed, Outcome{acct, "taken"})
		case 2:
			la.Skipped = append(la.Skipped, Outcome{ver, acct})
		case 3:
			la.NotAttempted = append(la.NotAttempted, fmt.Sprintf(`usapi_account.next[%q]`, key))
		case 4:
			la.Excluded = append(la.Excluded, Outcome{fmt.Sprintf(`usapi_account.bad[%q]`, key), "bad e-mail"})
		}
		for run := range 1 + rng.IntN(3) {
			for _, addr := range []string{acct, ver} {
				seq++
				outcome := audit.OK
				if rng.IntN(4) == 0 {
					outcome = audit.HTTPError
				}
				records = append(records, audit.Record{Seq: seq, RunID: fmt.Sprintf("run-%d", run+rng.IntN(2)), Command: "apply",
					Time: now.Add(time.Duration(seq) * time.Second).In(time.FixedZone("", 7*3600)), Resource: addr, Method: "POST", Path: "/x", Outcome: outcome})
			}
		}
	}
	st.Apply(state.Update{Set: set})
	record, ev := EvidenceFrom()
	for _, r := range records {
		record(r)
	}
	span := AuditSpan{Path: "daftar.audit.jsonl", Present: true, Verified: true}
	l := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
	if err := l.Compact(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	loaded, err := l.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := StateID{Path: "daftar.state.json", Lineage: loaded.Lineage, Serial: loaded.Serial}
	r := mustBuild(t, loaded, id, span, ev, la, now)
	if len(r.People) < 200 || len(r.Failures) < 50 {
		t.Fatalf("the test report has %d people and %d failures; the test needs more", len(r.People), len(r.Failures))
	}
	v, err := l.View(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	tinySpills(t, 300)
	for _, format := range Formats {
		dir := t.TempDir()
		log := NewEvidenceLog(dir)
		for _, r := range records {
			log.Add(r)
		}
		if len(log.all.runs) < 10 {
			t.Fatalf("%d runs of evidence; the test wants many", len(log.all.runs))
		}
		var want, got bytes.Buffer
		if err := Write(&want, r, format); err != nil {
			t.Fatal(err)
		}
		in := Input{View: v, ID: id, Audit: span, Evidence: log, LastApply: la, Now: now, TempDir: dir}
		if _, err := Stream(context.Background(), &got, in, format, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		log.Close()
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s: the report sorted on disk differs (-built +streamed):\n%s", format, diff)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("%s: %d temporary files left", format, len(files))
		}
	}
}

// TestSpillKeepsARecordLargerThanAChunk: a record of 2 MB, thirty times a
// chunk, is written to a run and read back whole.
func TestSpillKeepsARecordLargerThanAChunk(t *testing.T) {
	tinySpills(t, 100)
	s := newSpill(t.TempDir())
	defer s.close()
	big := bytes.Repeat([]byte("x"), 2<<20)
	s.add("b", 1, big)
	s.add("a", 2, []byte("small"))
	s.add("c", 3, []byte("small"))
	var got []string
	if err := s.each(func(r record) bool { got = append(got, fmt.Sprintf("%s:%d", r.key, len(r.data))); return true }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a:5", "b:2097152", "c:5"}; !slices.Equal(got, want) {
		t.Errorf("records %v; want %v", got, want)
	}
	if len(s.runs) != 2 {
		t.Errorf("%d runs; want 2", len(s.runs))
	}
}
