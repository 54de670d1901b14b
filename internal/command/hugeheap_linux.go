//go:build linux && (amd64 || arm64)

package command

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// growHeapHuge has the runtime map n bytes of heap in one range, advised
// for huge pages, and free again (see hugeHeapForState). It reports whether
// the advice was taken.
func growHeapHuge(n int64) bool {
	b := make([]byte, n)
	ok := adviseHuge(b)
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
	return ok
}

// adviseHuge advises the whole huge pages within b for transparent huge
// pages.
func adviseHuge(b []byte) bool {
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (p + huge - 1) &^ (huge - 1)
	end := (p + uintptr(len(b))) &^ (huge - 1)
	if beg >= end {
		return false
	}
	return unix.Madvise(b[beg-p:end-p], unix.MADV_HUGEPAGE) == nil
}

// totalMemory is the machine's memory in bytes, 0 when unknown.
func totalMemory() int64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}
