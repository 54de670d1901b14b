package state

import (
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/daftar-dev/daftar/internal/codec"
)

// A record's configuration digest (ConfigDigest) is held as its 32 bytes
// when its text is the one daftar writes, digestScheme and 64 lowercase
// hexadecimal digits: 76 bytes of text and a string's 16 were 60 bytes a
// record more (120 MB of a plan of a million rows with dependents). Any
// other text (an older daftar's, an empty scheme, capitals, a test's
// "hmac-sha256:0123") is held as it is, in the record's seldom set fields.
// Either is given back as the same text, and written back byte for byte.
const digestScheme = "hmac-sha256:" // secrets.Scheme: state imports no secrets

// digestLen is the length of the text of a digest held as its bytes.
const digestLen = len(digestScheme) + 2*len([32]byte{})

// Forms of a record's digest (Resource.digestForm).
const (
	digestNone uint8 = iota // none: ""
	digestSum               // digest holds its bytes
	digestText              // more.digestText holds its text
)

// ConfigDigest is a keyed digest of what the instance was last planned
// and applied from (its evaluated configuration, its provider's
// configuration, its lifecycle rules, and what the provider declared its
// plan reads besides). A plan that finds the same digest, no pending
// intent and no refreshed change plans a no-op without asking the
// provider again. Empty when not known: the instance is planned in full.
// It is made for each call: HasConfigDigest compares one without making
// it.
func (r *Resource) ConfigDigest() string {
	switch r.digestForm {
	case digestSum:
		return string(r.appendDigest(make([]byte, 0, digestLen)))
	case digestText:
		return r.more.digestText
	}
	return ""
}

// SetConfigDigest sets ConfigDigest.
func (r *Resource) SetConfigDigest(d string) {
	if r.digestForm == digestText {
		r.setMore(func(m *resourceMore) { m.digestText = "" })
	}
	r.digest, r.digestForm = [32]byte{}, digestNone
	switch {
	case d == "":
	case sumOf(d, &r.digest):
		r.digestForm = digestSum
	default:
		r.setMore(func(m *resourceMore) { m.digestText = d })
		r.digestForm = digestText
	}
}

// WithConfigDigest sets ConfigDigest and returns r, as WithAttributes
// does.
func (r *Resource) WithConfigDigest(d string) *Resource { r.SetConfigDigest(d); return r }

// HasConfigDigest reports whether ConfigDigest is d, without making it.
func (r *Resource) HasConfigDigest(d string) bool { return hasDigest(r, d) }

// HasConfigDigestBytes is HasConfigDigest of d's text: a digest taken
// into a buffer is compared without a string made of it.
func (r *Resource) HasConfigDigestBytes(d []byte) bool { return hasDigest(r, d) }

func hasDigest[S string | []byte](r *Resource, d S) bool {
	switch r.digestForm {
	case digestSum:
		if len(d) != digestLen || string(d[:len(digestScheme)]) != digestScheme {
			return false
		}
		for i, b := range r.digest {
			if d[len(digestScheme)+2*i] != lowerHex[b>>4] || d[len(digestScheme)+2*i+1] != lowerHex[b&0xf] {
				return false
			}
		}
		return true
	case digestText:
		return string(d) == r.more.digestText
	}
	return len(d) == 0
}

const lowerHex = "0123456789abcdef"

// sumOf reads into sum the bytes of the digest whose text is d, and
// reports whether d is written as daftar writes a digest: the scheme and
// 64 lowercase hexadecimal digits, the only text that gives those bytes
// back.
func sumOf[S string | []byte](d S, sum *[32]byte) bool {
	if len(d) != digestLen || string(d[:len(digestScheme)]) != digestScheme {
		return false
	}
	for i := range sum {
		hi, lo := hexDigits[d[len(digestScheme)+2*i]], hexDigits[d[len(digestScheme)+2*i+1]]
		if hi|lo > 0xf {
			return false
		}
		sum[i] = hi<<4 | lo
	}
	return true
}

// hexDigits are the values of the lowercase hexadecimal digits, 0xff for
// any other byte: a look-up, as a load reads two million digests.
var hexDigits = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()

// appendDigest appends the text of a digest held as its bytes.
func (r *Resource) appendDigest(dst []byte) []byte {
	return hex.AppendEncode(append(dst, digestScheme...), r.digest[:])
}

// digestJSON is the digest as resourceCodec writes it: a JSON string, as
// encoding/json writes ConfigDigest's text; nil when there is none
// (omitted).
// errNotCompact declines a value the fast encoder cannot write itself.
var errNotCompact = errors.New("not written by the fast encoder")

// appendDigestJSON appends digestJSON's bytes to dst (resourceCodec's
// Emit): the digest's text made into no slice of its own.
func (r *Resource) appendDigestJSON(dst []byte) ([]byte, error) {
	switch r.digestForm {
	case digestSum:
		return append(r.appendDigest(append(dst, '"')), '"'), nil
	case digestText:
		if b, ok := codec.AppendString(dst, r.more.digestText); ok {
			return b, nil
		}
		return dst, errNotCompact // json.Encoder writes the record
	}
	return dst, nil
}

func (r *Resource) digestJSON() (json.RawMessage, error) {
	b, err := r.appendDigestJSON(nil)
	if err == errNotCompact {
		return codec.NewJSON("", "").Append(nil, r.more.digestText)
	}
	if len(b) == 0 {
		return nil, err
	}
	return b, err
}

// parseDigestJSON sets the digest from its JSON string as resourceCodec
// reads it (value lent, compacted), false for a value that is not a
// string: the record is then read by encoding/json (UnmarshalJSON), which
// fails as it fails for a number where a string belongs.
func (r *Resource) parseDigestJSON(value []byte) bool {
	n := len(value)
	if n < 2 || value[0] != '"' || value[n-1] != '"' {
		return false
	}
	if sum := [32]byte{}; sumOf(value[1:n-1], &sum) {
		if r.digestForm == digestText {
			r.SetConfigDigest("") // its text goes
		}
		r.digest, r.digestForm = sum, digestSum
		return true
	}
	var d string
	if json.Unmarshal(value, &d) != nil {
		return false
	}
	r.SetConfigDigest(d)
	return true
}
