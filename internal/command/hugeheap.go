package command

import (
	"os"
	"strings"

	"github.com/daftar-dev/daftar/state"
)

// A plan first touches every page of the memory it holds: about 190 MB
// at 100,000 rows with dependents, 1.4 GB at a million. On the virtual
// machines daftar is measured on, the first touch of a 4 KiB page costs
// about 10 µs of CPU (the fault goes through the guest's kernel and the
// hypervisor): the 43,000 faults of the 100,000 rows' no-change plan were
// about a fifth of its CPU. With transparent huge pages in madvise mode,
// Linux's usual default, the Go runtime's heap is in 4 KiB pages (it
// advises none), where one fault in a range advised for huge pages maps
// 2 MiB.
//
// So a plan of a large state has the runtime map, in one piece, the
// address range its heap will grow into, and advises it for huge pages
// (growHeapHuge, on Linux): it allocates one object of that size (memory
// fresh from the system is not written: nothing is touched), advises the
// range, and gives the object back at once with a collection. The
// runtime's page allocator takes the lowest free addresses first, so the
// heap's next spans are carved from that range. Nothing is kept: what the
// plan does not use stays address space, never touched.

// hugeHeapMinState is the size of a state file below which the plan's
// heap is left as the runtime makes it: a state of 10,000 accounts (about
// 7 MB) faults a few thousand pages, a few milliseconds.
const hugeHeapMinState = 32 << 20

// hugeHeapBytes is how much of the heap to map in huge pages for a state
// file of stateSize bytes, on a machine of totalRAM bytes: twice the file
// (a plan's heap holds about as much as the file at 100,000 rows, less at
// a million, and spans of garbage between collections take addresses
// too), rounded up to whole huge pages, at most a quarter of the memory so
// that the mapping is never what the kernel's overcommit check refuses;
// 0 for a state too small to gain.
func hugeHeapBytes(stateSize, totalRAM int64) int64 {
	if stateSize < hugeHeapMinState {
		return 0
	}
	const huge = 2 << 20
	n := min(2*stateSize, totalRAM/4)
	return (n + huge - 1) &^ (huge - 1)
}

// hugeHeapForState maps the heap a plan of b's state will need in huge
// pages (see above), when the command asked for it (m.hugeHeap), b is a
// local file large enough and the system lets it: transparent huge pages
// not turned off, memory not strictly accounted (vm.overcommit_memory 2
// would count the whole range), and no GOMEMLIMIT, which the object would
// count against until it is collected. It returns how many bytes it
// advised, 0 for none.
//
// Only a plan that prints its plan asks: plan -json and plan -out hold
// their writing to the plan's peak with a memory limit of what the runtime
// obtained from the system (limitToPlanPeak), which the range would count
// in whole; apply's memory is held down by its own collector target, and
// was not measured with this.
func (m *Meta) hugeHeapForState(b state.Backend) int64 {
	if !m.hugeHeap || lookupEnv(m.Environ, "GOMEMLIMIT") != "" || !hugePagesAdvisable() {
		return 0
	}
	size, ok := localStateSize(b)
	if !ok {
		return 0
	}
	if n := hugeHeapBytes(size, totalMemory()); n > 0 && growHeapHuge(n) {
		return n
	}
	return 0
}

// localStateSize is the size of b's state file when b is a local file;
// ok is false for another backend or a file that cannot be read (Load
// reports it).
func localStateSize(b state.Backend) (size int64, ok bool) {
	l, ok := b.(*state.Local)
	if !ok {
		return 0, false
	}
	fi, err := os.Stat(l.Path())
	if err != nil {
		return 0, false
	}
	return fi.Size(), true
}

// hugePagesAdvisable reports whether the kernel maps huge pages where a
// range is advised for them, and does not account every mapped byte
// against a strict commit limit.
func hugePagesAdvisable() bool {
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(thp), "[never]") {
		return false
	}
	oc, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && strings.TrimSpace(string(oc)) != "2"
}
