package report

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/google/go-cmp/cmp"
)

// TestStreamWritesWhatBuildWrites: a report streamed from a view of the
// state (read from a local backend, a resource at a time) is, in every
// format, byte for byte the report built from the whole state: the test
// state, the same with the last apply's outcomes (some still holding,
// some applied since, one excluded), and an empty state.
func TestStreamWritesWhatBuildWrites(t *testing.T) {
	now := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	full, span, ev := testInputs(t)
	la := &LastApply{RunID: "run-9", Finished: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC),
		Failed:       []Outcome{{`usapi_account.hire["budi"]`, "Username <already> taken"}, {`usapi_account.hire["ani"]`, "applied since"}},
		Skipped:      []Outcome{{`proofylink_verification.check["budi"]`, `usapi_account.hire["budi"]`}},
		NotAttempted: []string{`usapi_account.hire["dodi"]`, `usapi_account.count[10]`},
		Excluded:     []Outcome{{`usapi_account.hire["x y"]`, "bad e-mail"}},
	}
	full.Resources[`usapi_account.hire["ani"]`].SetUpdatedAt(la.Finished)
	full.Apply(state.Update{Set: []*state.Resource{
		resource(`usapi_account.count[2]`, "usapi_account", `{"username":"c2"}`),
		resource(`usapi_account.count[10]`, "usapi_account", `null`),
		resource(`usapi_account.solo`, "usapi_account", `[1]`),
	}})
	for name, tc := range map[string]struct {
		st *state.State
		la *LastApply
	}{
		"test state":        {full, nil},
		"with last apply":   {full, la},
		"empty state":       {state.New(), nil},
		"only a run record": {state.New(), la},
	} {
		t.Run(name, func(t *testing.T) {
			l := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
			if err := l.Compact(context.Background(), tc.st); err != nil {
				t.Fatal(err)
			}
			loaded, err := l.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			id := StateID{Path: "daftar.state.json", Lineage: loaded.Lineage, Serial: loaded.Serial}
			r := mustBuild(t, loaded, id, span, ev, tc.la, now)
			v, err := l.View(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			for _, format := range Formats {
				var want, got bytes.Buffer
				if err := Write(&want, r, format); err != nil {
					t.Fatal(err)
				}
				in := Input{View: v, ID: id, Audit: span, Evidence: evidenceLog(t, "", testAudit()), LastApply: tc.la, Now: now}
				sum, err := Stream(context.Background(), &got, in, format, CSVOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want.String(), got.String()); diff != "" {
					t.Errorf("%s: the streamed report differs (-built +streamed):\n%s", format, diff)
				}
				if sum != (Summary{len(r.Accounts), len(r.Verifications), len(r.Failures)}) {
					t.Errorf("%s: summary %+v; the report has %d accounts, %d verifications, %d failures", format, sum, len(r.Accounts), len(r.Verifications), len(r.Failures))
				}
			}
		})
	}
}

// TestStreamStopsOnADamagedState: a resource that does not decode stops
// the report with the state's error.
func TestStreamStopsOnADamagedState(t *testing.T) {
	st, span, _ := testInputs(t)
	l := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
	if err := l.Compact(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err := Stream(context.Background(), &buf, Input{View: brokenView{state.ViewOf(st)}, Audit: span, Evidence: evidenceLog(t, "", testAudit())}, "csv", CSVOptions{})
	if err == nil || err.Error() != "the state is damaged" {
		t.Errorf("Stream gave %v; want the view's error", err)
	}
}

// brokenView fails after its first resource.
type brokenView struct{ state.View }

func (b brokenView) Each(ctx context.Context, fn func(*state.Resource) error) error {
	n := 0
	return b.View.Each(ctx, func(r *state.Resource) error {
		if n++; n > 1 {
			return errDamaged
		}
		return fn(r)
	})
}

var errDamaged = errorString("the state is damaged")

type errorString string

func (e errorString) Error() string { return string(e) }
