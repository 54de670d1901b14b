package state

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"sync"

	"github.com/daftar-dev/daftar/internal/codec"
)

// A journal is a file of lines, each one JSON object:
//
//	{"crc32c":"1a2b3c4d","entry":{"lineage":"...","serial":8,"set":[...],"remove":[...],"outputs":{...}}}
//
// crc32c is the CRC-32 (Castagnoli) of the exact bytes of the entry value,
// in hex. Each entry is one Update together with the lineage of the state it
// belongs to and the serial of the state it produces.

// entry is one journal record.
type entry struct {
	Lineage string      `json:"lineage"`
	Serial  uint64      `json:"serial"`
	Set     []*Resource `json:"set,omitempty"`
	Remove  []string    `json:"remove,omitempty"`
	// Outputs is a pointer so that "replace with no outputs" ({}) and
	// "leave the outputs alone" (absent) stay distinct.
	Outputs *map[string]*Output `json:"outputs,omitempty"`
	// DigestKeyID, when present, records the digest key's fingerprint.
	DigestKeyID string `json:"digest_key_id,omitempty"`
}

var (
	crcTable    = crc32.MakeTable(crc32.Castagnoli)
	linePrefix  = []byte(`{"crc32c":"`)
	entryPrefix = []byte(`","entry":`)
)

// update is the Update the entry records.
func (e *entry) update() Update {
	u := Update{Set: e.Set, Remove: e.Remove, DigestKeyID: e.DigestKeyID}
	if e.Outputs != nil {
		u.Outputs = *e.Outputs
		if u.Outputs == nil {
			u.Outputs = map[string]*Output{}
		}
	}
	return u
}

// encodeLine encodes u as one journal line, newline included.
func encodeLine(lineage string, serial uint64, u Update) ([]byte, error) {
	payload, ok := setPayload(lineage, serial, u)
	if !ok {
		var err error
		if payload, err = entryPayload(lineage, serial, u); err != nil {
			return nil, err
		}
	}
	line := make([]byte, 0, len(payload)+len(linePrefix)+len(entryPrefix)+10)
	line = append(line, linePrefix...)
	line = hex.AppendEncode(line, binary.BigEndian.AppendUint32(nil, crc32.Checksum(payload, crcTable)))
	line = append(line, entryPrefix...)
	line = append(line, payload...)
	return append(line, '}', '\n'), nil
}

// entryPayload is the entry's JSON as json.Marshal writes it.
func entryPayload(lineage string, serial uint64, u Update) ([]byte, error) {
	e := entry{Lineage: lineage, Serial: serial, Set: u.Set, Remove: u.Remove, DigestKeyID: u.DigestKeyID}
	if u.Outputs != nil {
		e.Outputs = &u.Outputs
	}
	payload, err := json.Marshal(&e)
	if err != nil {
		return nil, fmt.Errorf("could not encode a state change for the journal: %w", err)
	}
	return payload, nil
}

// resourceEncoders lend resourceCodec's encoders to concurrent appends.
var resourceEncoders = sync.Pool{New: func() any { return resourceCodec.NewEncoder() }}

// setPayload writes the entry of an update that only sets records (an
// apply's intents and outcomes: two per create) with resourceCodec, the
// bytes entryPayload writes, or reports false. The codec writes what a
// json.Encoder without HTML escaping writes; json.Marshal also escapes
// <, > and & (and U+2028, U+2029 in a record's attributes), so a payload
// holding any of them is left to entryPayload.
func setPayload(lineage string, serial uint64, u Update) ([]byte, bool) {
	if len(u.Set) == 0 || u.Remove != nil || u.Outputs != nil || u.DigestKeyID != "" {
		return nil, false
	}
	enc := resourceEncoders.Get().(*codec.Encoder[Resource])
	defer resourceEncoders.Put(enc)
	out := make([]byte, 0, 512*len(u.Set))
	out = append(out, `{"lineage":`...)
	out, ok := codec.AppendString(out, lineage)
	if !ok {
		return nil, false
	}
	out = append(out, `,"serial":`...)
	out = strconv.AppendUint(out, serial, 10)
	out = append(out, `,"set":[`...)
	for i, r := range u.Set {
		if i > 0 {
			out = append(out, ',')
		}
		if r == nil {
			out = append(out, "null"...)
			continue
		}
		var err error
		if out, err = enc.Append(out, r); err != nil {
			return nil, false
		}
	}
	out = append(out, ']', '}')
	if marshalEscapes(out) {
		return nil, false
	}
	return out, true
}

// marshalEscapes reports whether b may hold what json.Marshal escapes and
// a json.Encoder without HTML escaping does not: <, >, &, or the byte 0xE2
// that begins U+2028 and U+2029 (and other characters, whose lines are
// then left to json.Marshal too).
func marshalEscapes(b []byte) bool {
	for _, c := range b {
		if c == '<' || c == '>' || c == '&' || c == 0xe2 {
			return true
		}
	}
	return false
}

// decodeLine checks one line (without its newline) and decodes its entry.
func decodeLine(line []byte) (*entry, error) {
	rest, ok := bytes.CutPrefix(line, linePrefix)
	if !ok || len(rest) < 8 {
		return nil, errors.New("it does not begin as a journal line does")
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], rest[:8]); err != nil {
		return nil, errors.New("its checksum is not hexadecimal")
	}
	payload, ok := bytes.CutPrefix(rest[8:], entryPrefix)
	if !ok || len(payload) == 0 || payload[len(payload)-1] != '}' {
		return nil, errors.New("it is cut off or malformed")
	}
	payload = payload[:len(payload)-1]
	if crc32.Checksum(payload, crcTable) != binary.BigEndian.Uint32(sum[:]) {
		return nil, errors.New("its checksum does not match its content")
	}
	var e entry
	if err := json.Unmarshal(payload, &e); err != nil {
		return nil, describeJSONError(err)
	}
	return &e, nil
}

// journalScan is what reading a journal found.
type journalScan struct {
	entries []*entry
	// valid is the length of the journal up to the end of its last good
	// line; anything after it is a torn write to cut off before appending.
	valid int64
	// torn is the number of bytes after valid.
	torn int64
	// found is set when the journal file exists.
	found bool
}

// scanJournal decodes a journal's content. A damaged last line is a write
// that never completed (the process or machine stopped mid-write) and is
// ignored; a damaged line followed by good ones is an error, since that
// cannot come from a crash.
func scanJournal(data []byte, name string) (*journalScan, error) {
	return scanJournalWith(data, name, decodeLine)
}

// scanJournalWith is scanJournal with the line decoder of an encrypted
// journal; an encryption settings error from it stops the scan at once.
func scanJournalWith(data []byte, name string, decode func([]byte) (*entry, error)) (*journalScan, error) {
	sc := &journalScan{}
	for lineNo := 1; len(data) > 0; lineNo++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break // the last line never got its newline: torn
		}
		e, err := decode(data[:i])
		if isSettingsError(err) {
			return nil, err
		}
		if err != nil {
			if hasGoodLine(data[i+1:], decode) {
				return nil, fmt.Errorf("line %d of the journal %s is damaged (%w), yet later lines are intact: the file was changed by something other than daftar", lineNo, name, err)
			}
			break
		}
		sc.entries = append(sc.entries, e)
		sc.valid += int64(i + 1)
		data = data[i+1:]
	}
	sc.torn = int64(len(data))
	return sc, nil
}

// hasGoodLine reports whether data holds a complete, intact journal line.
func hasGoodLine(data []byte, decode func([]byte) (*entry, error)) bool {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return false
		}
		if _, err := decode(data[:i]); err == nil {
			return true
		}
		data = data[i+1:]
	}
	return false
}
