package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/google/go-cmp/cmp"
)

// TestJSONStreamsTheSameBytes: WriteJSON, which writes the report one
// record at a time, writes what encoding the whole report at once wrote
// (json.Encoder, two-space indent): on the test report (HTML-like text,
// evidence, a pending create), one with the last apply's people, and an
// empty one whose lists are nil.
func TestJSONStreamsTheSameBytes(t *testing.T) {
	finished := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	st := state.New()
	st.Apply(state.Update{Set: []*state.Resource{resource(`usapi_account.hire["ani"]`, "usapi_account", `{"username":"ani"}`)}})
	la := &LastApply{RunID: "run-9", Finished: finished,
		Failed:       []Outcome{{`usapi_account.hire["budi"]`, "Username <already> taken & more"}},
		NotAttempted: []string{`proofylink_verification.check["ani"]`},
	}
	for name, r := range map[string]*Report{
		"test":       testReport(t),
		"last apply": mustBuild(t, st, StateID{Path: "s.json"}, AuditSpan{}, nil, la, finished),
		"empty":      {},
	} {
		var got, want bytes.Buffer
		if err := WriteJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s: streamed JSON report differs from the whole encoding (-whole +streamed):\n%s", name, diff)
		}
	}
}
