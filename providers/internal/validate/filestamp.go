package validate

import (
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

// FileStamps remembers, for one run (one Configure), what a provider's
// PlanInputs read of each file by its resolved path: its size and
// modification time, or that it is not a regular file (or not there). A
// batch whose 100,000 rows share one consent form stats it once. A file
// changed later in the run is seen by the next run's plan: the digest then
// differs from the one recorded, and the instance is planned in full,
// never wrongly skipped. The zero value is ready to use.
type FileStamps struct {
	m sync.Map // string → FileStamp
}

// FileStamp is what FileStamps read of one file.
type FileStamp struct {
	Regular       bool
	size, modTime int64
}

// Get is the stamp of the file at path, read on the first call for it.
func (c *FileStamps) Get(path string) FileStamp {
	if v, ok := c.m.Load(path); ok {
		return v.(FileStamp)
	}
	var st FileStamp
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
		st = FileStamp{Regular: true, size: info.Size(), modTime: info.ModTime().UnixNano()}
	}
	v, _ := c.m.LoadOrStore(path, st)
	return v.(FileStamp)
}

// Append appends the stamp to a PlanInputs answer: a zero byte and the
// size, a zero byte and the modification time, in decimal.
func (st FileStamp) Append(out []byte) []byte {
	out = strconv.AppendInt(append(out, 0), st.size, 10)
	return strconv.AppendInt(append(out, 0), st.modTime, 10)
}

// PlanDir is the configuration directory the engine told a provider
// before Configure (providers.BaseDirSetter), with the file stamps of the
// run: the pre-pass of a plan fingerprints an instance that reads a file
// before the provider is configured, and Configure takes the same stamps
// over (Stamps), so that the pre-pass and the walk compute exactly the same
// digest of the same file. The zero value knows no directory.
type PlanDir struct {
	p atomic.Pointer[planDir]
}

type planDir struct {
	dir    string
	stamps *FileStamps
}

// Set records dir, with new stamps, unless a directory was set already
// (the first one is the one the pre-pass used).
func (d *PlanDir) Set(dir string) {
	d.p.CompareAndSwap(nil, &planDir{dir: dir, stamps: new(FileStamps)})
}

// Get is the directory set and its stamps; ok false when none was set.
func (d *PlanDir) Get() (dir string, stamps *FileStamps, ok bool) {
	if v := d.p.Load(); v != nil {
		return v.dir, v.stamps, true
	}
	return "", nil, false
}

// Stamps is the stamps Configure, told dir, uses: those of the directory
// set before when it is dir, so that a file stamped before Configure keeps
// its stamp; new ones otherwise.
func (d *PlanDir) Stamps(dir string) *FileStamps {
	if v := d.p.Load(); v != nil && v.dir == dir {
		return v.stamps
	}
	return new(FileStamps)
}
