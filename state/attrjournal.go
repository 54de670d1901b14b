package state

import (
	"bytes"
	"unsafe"
)

// The records an apply writes leave their attributes in the journal line
// that recorded them, as a loaded snapshot's records leave theirs in the
// snapshot file (attrfile.go): an apply of a million creates kept about
// 350 MB of attributes written and durable until its compaction read them
// back. Local opens the journal for reading beside its appends
// (journalAttrs); Apply, once a line is durable, gives each record of its
// update whose attributes are in the line byte for byte a copy that finds
// them there. The journal file stays readable while records refer to it:
// a compaction removes its name, not its bytes, and a torn tail is only
// ever cut after the last durable line. An encrypted journal's lines are
// sealed: their records keep their attributes in memory.

// leaveInJournal replaces each record of set whose attributes the journal
// line holds verbatim, at off in the file f, by a copy that leaves them
// there, and whose index key, when its address spells it, is those bytes
// of the address (keyInAddress). The records themselves are left as they
// are: a record of set may be the caller's State's already, read by
// others.
func leaveInJournal(set []*Resource, line []byte, off int64, f *snapshotFile) {
	from := 0
	for i, r := range set {
		a := r.attrs.bytes()
		if len(a) < minLeftInFile || a[0] != '{' || len(a) > maxSpanLen {
			continue
		}
		j := bytes.Index(line[from:], a)
		if j < 0 {
			continue // written otherwise (json.Marshal's escapes): kept
		}
		at := off + int64(from+j)
		if at > maxSpanOff {
			return
		}
		from += j + len(a)
		c := *r
		c.attrs = attrRef{p: unsafe.Pointer(f), n: leftInFile | uint64(at)<<spanLenBits | uint64(len(a))}
		set[i] = &c
	}
}
