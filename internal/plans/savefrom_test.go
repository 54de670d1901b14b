package plans

import (
	"bytes"
	"strings"
	"testing"
)

// TestSaveSealedFromSource: a plan saved with the changes a source hands
// out (SaveSealedFrom) is, byte for byte, the plan holding them saved
// (SaveSealed), over several chunks; a source that hands out another
// number of changes than announced is an error, not a file whose header
// lies.
func TestSaveSealedFromSource(t *testing.T) {
	full := batchPlan(2*saveChunk + 5)
	var want bytes.Buffer
	if err := SaveSealed(&want, full, testDigester("k")); err != nil {
		t.Fatal(err)
	}
	head := *full
	head.Changes = nil // the changes come from the source alone
	var got bytes.Buffer
	if err := SaveSealedFrom(&got, &head, full.Source(), len(full.Changes), testDigester("k")); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("saved from a source, %d bytes differ from the plan saved, %d bytes", got.Len(), want.Len())
	}
	for name, n := range map[string]int{"fewer handed out": len(full.Changes) + 1, "more handed out": len(full.Changes) - 1, "more than a chunk": 3} {
		err := SaveSealedFrom(&bytes.Buffer{}, &head, full.Source(), n, testDigester("k"))
		if err == nil || !strings.Contains(err.Error(), "handed out") {
			t.Errorf("%s: error %v, want one that says how many were handed out", name, err)
		}
	}
}
