//go:build !(linux && (amd64 || arm64))

package command

// growHeapHuge does nothing here: huge pages are advised on Linux only,
// and a 32-bit heap has no room for the range.
func growHeapHuge(n int64) bool { return false }

// totalMemory is unknown here.
func totalMemory() int64 { return 0 }
