//go:build windows

package state

// leaveInFile is whether attributes are left in the snapshot file: not
// on Windows, where a compaction could not rename the new snapshot over
// a file held open (os.Open does not share it for deletion).
var leaveInFile = false
