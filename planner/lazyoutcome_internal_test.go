package planner

import (
	"testing"
	"unsafe"
)

// TestLazyOutcomeSize: a refreshed no-op kept in a lazy block is 32 bytes
// beside its kept value (its bytes held as their first and their length,
// not a slice): 8 MB less at a million verifications than 40.
func TestLazyOutcomeSize(t *testing.T) {
	if got := unsafe.Sizeof(lazyOutcome{}); got != 32 {
		t.Errorf("lazyOutcome is %d bytes, want 32", got)
	}
	b := []byte{1, 2, 3}
	o := lazyOutcome{attrs: unsafe.SliceData(b), n: uint32(len(b))}
	if got := o.bytes(); len(got) != 3 || cap(got) != 3 || &got[0] != &b[0] {
		t.Errorf("bytes: %v (cap %d)", got, cap(got))
	}
	if empty := []byte{}; (lazyOutcome{attrs: unsafe.SliceData(empty)}).attrs == nil {
		t.Error("an empty kept value reads as none kept")
	}
}
