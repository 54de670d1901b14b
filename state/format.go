package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/daftar-dev/daftar/internal/codec"
)

// snapshot is the state as daftar.state.json holds it: the resources as an
// array sorted by address rather than the in-memory map, so that the file
// is stable and diffs read well. Field order is the order on disk.
// encodeState writes this shape by hand; decodeState reads it.
type snapshot struct {
	Version     int                `json:"version"`
	Serial      uint64             `json:"serial"`
	Lineage     string             `json:"lineage"`
	DigestKeyID string             `json:"digest_key_id,omitempty"`
	Resources   []*Resource        `json:"resources"`
	Outputs     map[string]*Output `json:"outputs"`
}

// serialPrefix is how every encoded snapshot begins, up to the serial's
// digits.
var serialPrefix = []byte("{\n  \"version\": " + strconv.Itoa(Version) + ",\n  \"serial\": ")

// VersionError reports a state written in a newer format than this build
// reads. It is never retried: the user must upgrade daftar.
type VersionError struct {
	// Path names the file or storage the state came from.
	Path string
	// Version is the format version found.
	Version int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the state file %s was written by a newer daftar (format version %d); this daftar reads version %d: upgrade daftar",
		e.Path, e.Version, Version)
}

// MarshalJSON encodes s exactly as daftar.state.json holds it (indented,
// resources sorted and one per line, final newline). json.Marshal(s) gives
// the same content compacted, since encoding/json compacts what a
// MarshalJSON returns.
func (s *State) MarshalJSON() ([]byte, error) {
	return encodeState(s, s.Serial)
}

// UnmarshalJSON decodes the format of daftar.state.json, refusing a newer
// format version with a *VersionError.
func (s *State) UnmarshalJSON(data []byte) error {
	d, err := decodeState(data, "being read")
	var verr *VersionError
	if err != nil && !errors.As(err, &verr) {
		return fmt.Errorf("the state being read is damaged: %w", err)
	}
	if err != nil {
		return err
	}
	*s = *d
	return nil
}

// encodeState encodes s as a snapshot with the given serial, with a final
// newline. The same state always encodes to the same bytes. The layout is
// that of json.Encoder (indent "  ", no HTML escaping) for the snapshot
// struct, except that each element of "resources" is one compact line;
// it is written a resource at a time so that a large state is not held
// three times over in encoder buffers.
func encodeState(s *State, serial uint64) ([]byte, error) {
	return appendState(make([]byte, 0, 512*(len(s.Resources)+1)), s, serial, nil)
}

// stateChunk is how many bytes writeState hands out at a time.
const stateChunk = 256 << 10

// writeState encodes s as encodeState does, handing the bytes to w a chunk
// of about stateChunk bytes at a time: what it holds is one chunk, not the
// encoded state (70 MB at 100,000 accounts). The bytes are the same.
func writeState(w io.Writer, s *State, serial uint64) error {
	out, err := appendState(make([]byte, 0, stateChunk+4096), s, serial, func(out []byte) ([]byte, error) {
		if _, err := w.Write(out); err != nil {
			return nil, err
		}
		return out[:0], nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// appendState appends the encoding of s to out; flush, when not nil, is
// given out whenever it holds stateChunk bytes or more, and answers the
// buffer to go on with.
func appendState(out []byte, s *State, serial uint64, flush func([]byte) ([]byte, error)) ([]byte, error) {
	e, j := resourceCodec.NewEncoder(), codec.NewJSON("", "")
	out = append(out, serialPrefix...)
	out = strconv.AppendUint(out, serial, 10)
	out = append(out, ",\n  \"lineage\": "...)
	out, err := j.Append(out, s.Lineage)
	if err != nil {
		return nil, fmt.Errorf("could not encode the state: %w", err)
	}
	if s.DigestKeyID != "" {
		out = append(out, ",\n  \"digest_key_id\": "...)
		if out, err = j.Append(out, s.DigestKeyID); err != nil {
			return nil, fmt.Errorf("could not encode the state: %w", err)
		}
	}
	out = append(out, ",\n  \"resources\": ["...)
	if out, err = encodeResources(e, out, s, flush); err != nil {
		return nil, err
	}
	out = append(out, "],\n  \"outputs\": "...)
	outputs := s.Outputs
	if outputs == nil {
		outputs = map[string]*Output{}
	}
	if out, err = codec.NewJSON("  ", "  ").Append(out, outputs); err != nil {
		return nil, fmt.Errorf("could not encode the state: %w", err)
	}
	return append(out, "\n}\n"...), nil
}

// encodeResources appends the elements of the resources array, sorted by
// address, one compact object per line: half the bytes of an indented
// object, each resource still on its own line for diffs, and quicker to
// write and read. flush is appendState's.
//
// The records are sorted a range of addresses at a time (addressRanges),
// each range gathered by a walk of the map: what the sort holds is one
// range's entries, not every record's (24 bytes each: 48 MB for a state
// of two million records, at the end of an apply, where its memory
// peaks). A record is in exactly one range; the count of those written
// is checked against the map's.
func encodeResources(e *codec.Encoder[Resource], out []byte, s *State, flush func([]byte) ([]byte, error)) ([]byte, error) {
	// Sorting the map's entries rather than its keys spares looking each
	// key up again afterwards, which costs as much as the sort.
	type entry struct {
		addr string
		r    *Resource
	}
	bounds := addressRanges(s.Resources)
	entries := make([]entry, 0, min(len(s.Resources), sortedAtOnce+sortedAtOnce/4))
	// The attributes left in a file (the snapshot's, the journal's) are
	// read a batch of records at a time into one buffer (ReadAttributes),
	// and each such record is encoded through scratch, a copy that holds
	// them: read one by one, each record's were a new allocation (the
	// journal's, written in the order the changes finished, are not read
	// in order), and at the end of an apply of a million creates the
	// compaction's garbage took the heap 380 MB above the apply's.
	var scratch Resource
	var buf []byte
	recs := make([]*Resource, 0, attrsAtOnce)
	attrs := make([]json.RawMessage, attrsAtOnce)
	written := 0
	for i := 0; i <= len(bounds); i++ {
		entries = entries[:0]
		for a, r := range s.Resources {
			if (i == 0 || a >= bounds[i-1]) && (i == len(bounds) || a < bounds[i]) {
				entries = append(entries, entry{a, r})
			}
		}
		slices.SortFunc(entries, func(x, y entry) int { return strings.Compare(x.addr, y.addr) })
		for lo := 0; lo < len(entries); lo += attrsAtOnce {
			batch := entries[lo:min(lo+attrsAtOnce, len(entries))]
			recs = recs[:0]
			for _, en := range batch {
				if en.r == nil || en.r.Address != en.addr {
					return nil, fmt.Errorf("internal error: the resource kept under %q has another address", en.addr)
				}
				recs = append(recs, en.r)
			}
			var err error
			if buf, err = ReadAttributes(recs, attrs[:len(recs)], buf); err != nil {
				return nil, fmt.Errorf("could not encode the state: %w", err)
			}
			for k, r := range recs {
				if r.attrs.inFile() {
					scratch = *r
					scratch.attrs = memAttrs(attrs[k])
					r = &scratch
				}
				if written > 0 {
					out = append(out, ',')
				}
				written++
				out = append(out, "\n    "...)
				if out, err = e.Append(out, r); err != nil {
					return nil, fmt.Errorf("could not encode the state: %w", err)
				}
				if flush != nil && len(out) >= stateChunk {
					if out, err = flush(out); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	if written != len(s.Resources) {
		return nil, fmt.Errorf("internal error: %d of the state's %d resources written", written, len(s.Resources))
	}
	if written > 0 {
		out = append(out, "\n  "...)
	}
	return out, nil
}

// attrsAtOnce is how many records' attributes encodeResources reads back
// from their files at a time: about 300 KB of a verification's.
const attrsAtOnce = 1024

// sortedAtOnce is about how many records encodeResources sorts at a time
// (12 MB of entries; every range walks the map again, about 0.2 s for
// two million records).
var sortedAtOnce = 1 << 19

// addressRanges returns the bounds that split the addresses of rs into
// ranges of about sortedAtOnce each, sorted: the first range is the
// addresses below bounds[0], the last those from bounds[len-1] on; none
// for a map of up to sortedAtOnce records. The bounds are read from a
// sample of the addresses, the first the map's walk gives (it starts at
// a random place, and the map's order is its hashes', not the addresses'):
// an unlucky sample makes a range larger, never loses a record.
func addressRanges(rs map[string]*Resource) []string {
	k := (len(rs) + sortedAtOnce - 1) / sortedAtOnce
	if k <= 1 {
		return nil
	}
	sample := make([]string, 0, 64*k)
	for a := range rs {
		if len(sample) == cap(sample) {
			break
		}
		sample = append(sample, a)
	}
	slices.Sort(sample)
	bounds := make([]string, 0, k-1)
	for i := 1; i < k; i++ {
		bounds = append(bounds, sample[i*len(sample)/k])
	}
	return slices.Compact(bounds)
}

// sameButSerial reports whether the encoded snapshots a and b differ at most
// in their serials, and a's serial is serial.
func sameButSerial(a, b []byte, serial uint64) bool {
	ra, ok1 := bytes.CutPrefix(a, serialPrefix)
	rb, ok2 := bytes.CutPrefix(b, serialPrefix)
	if !ok1 || !ok2 {
		return false
	}
	na, nb := bytes.IndexByte(ra, ','), bytes.IndexByte(rb, ',')
	if na < 0 || nb < 0 || string(ra[:na]) != strconv.FormatUint(serial, 10) {
		return false
	}
	return bytes.Equal(ra[na:], rb[nb:])
}

// decodeState reads a snapshot, checking its format version before anything
// else. name names the file in messages. An error other than a
// *VersionError describes the damage, for a *CorruptError to wrap.
func decodeState(data []byte, name string) (*State, error) {
	v, err := probeVersion(data)
	if err != nil {
		return nil, err
	}
	if v > Version {
		return nil, &VersionError{Path: name, Version: v}
	}
	if v < 1 {
		return nil, fmt.Errorf("it has no valid format version (found %d)", v)
	}
	if d, ok := decodeFast(data); ok {
		if s, err := fromSnapshot(d); err == nil {
			return s, nil
		}
	}
	// The fast path declined, or found the state wrong: decoding it again
	// the plain way says what is wrong in the words it always has.
	return decodeSlow(data)
}

// decodeSlow decodes a snapshot with encoding/json alone. It is the
// reference decodeFast must agree with, and what says what is wrong with a
// damaged snapshot.
func decodeSlow(data []byte) (*State, error) {
	var d snapshot
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, describeJSONError(err)
	}
	s, err := fromSnapshot(&d)
	if err != nil {
		return nil, err
	}
	// Keep the resources as decodeFast does: compacted, sharing their
	// repeated strings.
	dec := resourceCodec.NewDecoder()
	for _, r := range s.Resources {
		dec.Tidy(r)
	}
	return s, nil
}

// fromSnapshot turns the on-disk form into a State, checking what the JSON
// decoder cannot.
func fromSnapshot(d *snapshot) (*State, error) {
	if d.Lineage == "" {
		return nil, errors.New("it has no lineage")
	}
	s := &State{Version: Version, Serial: d.Serial, Lineage: d.Lineage, DigestKeyID: d.DigestKeyID, Outputs: d.Outputs,
		Resources: make(map[string]*Resource, len(d.Resources))}
	if s.Outputs == nil {
		s.Outputs = map[string]*Output{}
	}
	for i, r := range d.Resources {
		if r == nil || r.Address == "" {
			return nil, fmt.Errorf("resource number %d has no address", i+1)
		}
		// One hash of the address, not two (a look-up, then the
		// insert): a million records are put in this map on one core
		// after the decode. A duplicate leaves the count as it was.
		n := len(s.Resources)
		s.Resources[r.Address] = r
		if len(s.Resources) == n {
			return nil, fmt.Errorf("the resource %s appears twice", r.Address)
		}
	}
	return s, nil
}

// probeVersion finds the top-level "version" without decoding the rest when
// it comes first, as daftar writes it; otherwise it scans the whole object.
func probeVersion(data []byte) (int, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return 0, errors.New("it is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, errors.New("it is not a JSON object")
	}
	if key, err := dec.Token(); err == nil && key == "version" {
		var v int
		if err := dec.Decode(&v); err != nil {
			return 0, fmt.Errorf("its format version is not a number: %w", describeJSONError(err))
		}
		return v, nil
	}
	var probe struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return 0, describeJSONError(err)
	}
	return probe.Version, nil
}

// describeJSONError says where a JSON document went wrong, in words.
func describeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &syn) && strings.Contains(syn.Error(), "unexpected end"):
		return fmt.Errorf("it ends too early, as if cut off (%w)", err)
	case syn != nil:
		return fmt.Errorf("it is not valid JSON at byte %d (%w)", syn.Offset, err)
	case errors.As(err, &typ):
		return fmt.Errorf("the field %q holds a JSON %s where daftar expects %s (%w)", typ.Field, typ.Value, typ.Type, err)
	}
	return fmt.Errorf("it is not valid state JSON (%w)", err)
}
