package state

import (
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/codec"
)

// Loading a large snapshot with one json.Unmarshal costs most of a plan
// that changes nothing: encoding/json checks the whole document, then
// decodes it by reflection on one core, and every resource gets its own
// copies of "managed", of its type, name and provider, and of its
// attributes with their indentation. decodeFast reads the same documents
// faster with internal/codec: it finds the elements of the "resources"
// array (codec.FindArray), decodes them on every core (resourceCodec),
// shares the strings that repeat, and keeps attributes compacted. It
// accepts a document only when json.Unmarshal would give the same
// snapshot; for anything else (damage above all) it declines, and
// decodeState decodes with encoding/json, whose errors the user sees.

// decodeFast decodes a snapshot as json.Unmarshal would, or reports false.
func decodeFast(data []byte) (*snapshot, bool) {
	array, elems, ok := codec.FindArray(data, "resources")
	if !ok {
		return nil, false
	}
	// The rest of the document is small (the outputs above all):
	// encoding/json decodes it, with the array emptied.
	rest := make([]byte, 0, len(data)-(array.End-array.Start)+2)
	rest = append(rest, data[:array.Start]...)
	rest = append(rest, "[]"...)
	rest = append(rest, data[array.End:]...)
	var d snapshot
	if err := json.Unmarshal(rest, &d); err != nil {
		return nil, false
	}
	accept, _ := sharingBlocks(nil)
	if d.Resources, ok = resourceCodec.DecodeArray(data, elems, accept); !ok {
		return nil, false
	}
	return &d, true
}

// hasAddress is what DecodeArray accepts: a resource without an address
// (or a null) is left to decodeSlow, whose error fromSnapshot gives.
func hasAddress(r *Resource) bool { return r.Address != "" }

// sharingBlocks returns what a load's DecodeArray or DecodeStream accepts
// (hasAddress), giving the records whose block holds nothing but a list of
// dependencies the decoder shared (the same list in memory: a batch's
// dependents, each depending on the same resource) one block between them
// instead of one each (blocks are never changed: resourceMore), and
// binding the attributes the decoder left in the snapshot file f to it
// (bindAttributes) while the record is at hand, rather than in another
// walk of every record after the load; bound reports whether any was. It
// is safe for the decoder's concurrent workers.
func sharingBlocks(f *snapshotFile) (accept func(*Resource) bool, bound func() bool) {
	var blocks sync.Map // the list's first element -> the first block that held it
	var any atomic.Bool
	accept = func(r *Resource) bool {
		if m := r.more; m != nil && m.onlyDependencies() && len(m.Dependencies) > 0 {
			if v, loaded := blocks.LoadOrStore(unsafe.SliceData(m.Dependencies), m); loaded {
				if o := v.(*resourceMore); len(o.Dependencies) == len(m.Dependencies) {
					r.more = o // the same list: the same elements
					freeMore(m)
				}
			}
		}
		if bindAttributes(r, f) && !any.Load() {
			any.Store(true)
		}
		return hasAddress(r)
	}
	return accept, any.Load
}

// snapshotChunk is how many bytes decodeStream reads at a time (tests
// make it small, to put records across chunks).
var snapshotChunk = codec.StreamChunk

// decodeStream reads a snapshot from r, from its start, as decodeState
// reads it whole, a chunk at a time (codec.DecodeStream: what it holds of the file is a few
// chunks, not the 70 MB of 100,000 accounts), or reports false where
// decodeFast would decline or decodeState find the state wrong: the caller
// then reads it whole. err is a read error, or a *VersionError. size is
// the file's size when known (a smaller one is read in one chunk), or 0.
// The records' attributes may be left in r (attrSpan), read back with its
// ReadAt: kept is set when any is, and r must then stay open while the
// records are in use.
func decodeStream(r interface {
	io.Reader
	io.ReaderAt
}, name string, size int64) (s *State, ok bool, kept bool, err error) {
	chunk := snapshotChunk
	if size > 0 && size < int64(chunk) {
		chunk = int(size) + 1
	}
	accept, bound := sharingBlocks(&snapshotFile{f: r, path: name})
	resources, rest, ok, err := resourceCodec.DecodeStream(r, "resources", chunk, accept)
	if err != nil || !ok {
		return nil, false, false, err
	}
	// The version comes first, as in decodeState; the resources hold
	// none.
	v, err := probeVersion(rest)
	switch {
	case err != nil:
		return nil, false, false, nil
	case v > Version:
		return nil, false, false, &VersionError{Path: name, Version: v}
	case v < 1:
		return nil, false, false, nil
	}
	var d snapshot
	if err := json.Unmarshal(rest, &d); err != nil {
		return nil, false, false, nil
	}
	d.Resources = resources
	if s, err = fromSnapshot(&d); err != nil {
		return nil, false, false, nil
	}
	return s, true, bound(), nil
}
