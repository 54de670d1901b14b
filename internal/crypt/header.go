package crypt

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

const (
	saltLen  = 16
	checkLen = 8
	keyLen   = 32 // AES-256
)

// Params are Argon2id's cost parameters.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the degree of parallelism.
	Threads uint8
}

// DefaultParams are RFC 9106's second recommended option for Argon2id:
// three passes over 64 MiB with four lanes (about a quarter of a second on
// a laptop core).
var DefaultParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// Bounds on the parameters a file may name, so that a forged header cannot
// make a reader spend hours or gigabytes.
const (
	maxTime      = 16
	maxMemoryKiB = 1 << 20 // 1 GiB
	minMemoryKiB = 8       // argon2's own minimum per lane is 8 KiB
)

func (p Params) check() error {
	if p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.MemoryKiB < minMemoryKiB*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB {
		return fmt.Errorf("key derivation parameters out of range (t=%d m=%d p=%d)", p.Time, p.MemoryKiB, p.Threads)
	}
	return nil
}

func (p Params) derive(passphrase, salt []byte) []byte {
	return argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
}

// header is the first line of an encrypted file.
type header struct {
	params Params
	salt   []byte
	check  []byte
}

var b64 = base64.StdEncoding

// encode spells the header line, newline included.
func (h header) encode() []byte {
	return fmt.Appendf(nil, "%skdf=argon2id t=%d m=%d p=%d salt=%s check=%s\n",
		Magic, h.params.Time, h.params.MemoryKiB, h.params.Threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.check))
}

// parseHeader reads a header line (newline included) as encode spells it,
// and nothing else.
func parseHeader(line []byte) (header, error) {
	rest, ok := bytes.CutPrefix(line, []byte(Magic))
	if !ok || !bytes.HasSuffix(rest, []byte("\n")) {
		return header{}, ErrDamaged
	}
	fields := strings.Fields(string(rest))
	if len(fields) != 6 || fields[0] != "kdf=argon2id" {
		return header{}, fmt.Errorf("its header names a key derivation this daftar does not know (%q)", firstField(fields))
	}
	var h header
	var err error
	vals := map[string]string{}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		vals[k] = v
	}
	t, err1 := strconv.ParseUint(vals["t"], 10, 32)
	m, err2 := strconv.ParseUint(vals["m"], 10, 32)
	p, err3 := strconv.ParseUint(vals["p"], 10, 8)
	h.salt, err = b64.DecodeString(vals["salt"])
	if err == nil {
		h.check, err = b64.DecodeString(vals["check"])
	}
	if err1 != nil || err2 != nil || err3 != nil || err != nil || len(h.salt) != saltLen || len(h.check) != checkLen {
		return header{}, ErrDamaged
	}
	h.params = Params{Time: uint32(t), MemoryKiB: uint32(m), Threads: uint8(p)}
	if err := h.params.check(); err != nil {
		return header{}, fmt.Errorf("its header is not one daftar writes: %w", err)
	}
	if !bytes.Equal(h.encode(), line) {
		return header{}, ErrDamaged // not spelled as daftar spells it
	}
	return h, nil
}

func firstField(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}
