//go:build linux && (amd64 || arm64)

package command

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestGrowHeapHugeReused: after growHeapHuge, the heap's next large
// object lies in a mapping advised for huge pages (VmFlags "hg" in
// /proc/self/smaps): the range was given back to the heap, and the heap
// takes its spans from it.
func TestGrowHeapHugeReused(t *testing.T) {
	const n = 96 << 20
	if !growHeapHuge(n) {
		t.Fatal("the range was not advised for huge pages")
	}
	// Larger than any free range the test's heap had before: only the
	// advised one holds it.
	b := make([]byte, n-8<<20)
	// Its middle: the range's ends short of whole huge pages are not
	// advised.
	p := uintptr(unsafe.Pointer(&b[len(b)/2]))
	flags, ok := vmFlagsAt(t, p)
	if !ok {
		t.Fatalf("no mapping holds %#x", p)
	}
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the object's middle, %#x, lies in a mapping with VmFlags %q, want hg (huge pages advised)", p, flags)
	}
	b[0] = 1
}

// vmFlagsAt returns the VmFlags of the mapping that holds address p.
func vmFlagsAt(t *testing.T, p uintptr) (string, bool) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := mappingRange(line); ok {
			in = lo <= p && p < hi
			continue
		}
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && in {
			return strings.TrimSpace(flags), true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return "", false
}

// mappingRange reads the address range of a mapping's first line in
// smaps ("7f12a000-7f12c000 rw-p ...").
func mappingRange(line string) (lo, hi uintptr, ok bool) {
	r, _, _ := strings.Cut(line, " ")
	a, b, found := strings.Cut(r, "-")
	if !found {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(a, 16, 64)
	h, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}
