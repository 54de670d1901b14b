package plans

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/zclconf/go-cty/cty"
)

// Digester makes keyed digests (secrets.Digester is one).
type Digester interface {
	Digest(purpose string, value []byte) string
}

// sealPurpose is the digest purpose of a plan file's seal: the keyed
// digest of the SHA-256 (in hexadecimal) of every byte before the seal
// line, which a reader computes as it goes.
const sealPurpose = "plan-file-sha256"

// fileSeal is a sealed plan file's last line.
type fileSeal struct {
	Seal string `json:"seal"`
}

// sealLinePrefix begins the seal line.
const sealLinePrefix = `{"seal":`

// ErrSealBroken reports a plan file whose seal does not match its content.
var ErrSealBroken = errors.New("its seal does not match its content: it was changed after it was saved, or saved with another digest key")

// ErrNoSeal reports a plan file without a seal line.
var ErrNoSeal = errors.New("it has no seal: it was not saved by daftar plan -out, or was cut short")

// CheckSeal reads a plan file to its end and checks its format and its
// seal, decoding nothing: the first pass of a reader that must know the
// file is intact before it acts on its first change. Memory stays that of
// one buffer whatever the file's size.
func CheckSeal(r io.Reader, d Digester) error {
	br := bufio.NewReaderSize(r, 256<<10)
	if err := checkFormat(br); err != nil {
		return err
	}
	sum := sha256.New()
	for {
		start, err := br.Peek(len(sealLinePrefix))
		if err == io.EOF || (err == nil && string(start) == sealLinePrefix) {
			line, _ := io.ReadAll(io.LimitReader(br, 4096))
			return checkSealLine(line, sum.Sum(nil), d)
		}
		if err != nil {
			return err
		}
		if err := copyLine(sum, br); err != nil {
			return err
		}
	}
}

// copyLine copies the next line (up to and including its newline, or the
// end of the file) from br to w.
func copyLine(w io.Writer, br *bufio.Reader) error {
	for {
		frag, err := br.ReadSlice('\n')
		w.Write(frag)
		switch err {
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return nil
		}
		return err
	}
}

// checkSealLine checks that line (what is left of the file) is the one
// seal line of the bytes whose SHA-256 is sum.
func checkSealLine(line, sum []byte, d Digester) error {
	var s fileSeal
	if !bytes.HasPrefix(line, []byte(sealLinePrefix)) || !bytes.HasSuffix(line, []byte("\n")) ||
		bytes.Count(line, []byte("\n")) != 1 || json.Unmarshal(line, &s) != nil || s.Seal == "" {
		return ErrNoSeal
	}
	if d.Digest(sealPurpose, []byte(fmt.Sprintf("%x", sum))) != s.Seal {
		return ErrSealBroken
	}
	return nil
}

// redact returns v with the value at every sensitive path replaced by an
// unknown value of its type, so that a saved plan holds no sensitive value
// (not even a masked or digested one): the change's ConfigDigest stands
// for them, and apply of the plan evaluates them again from the
// configuration. Paths of attribute names alone (what providers declare)
// rebuild only the objects along them; any other path walks the whole
// value.
func redact(v cty.Value, paths []cty.Path) (cty.Value, error) {
	if v == cty.NilVal || len(paths) == 0 {
		return v, nil
	}
	if v.ContainsMarked() {
		v, _ = v.UnmarkDeep()
	}
	for _, p := range paths {
		for _, step := range p {
			if _, ok := step.(cty.GetAttrStep); !ok {
				return redactWalk(v, paths)
			}
		}
	}
	return redactAttrs(v, paths, 0), nil
}

// redactAttrs is redact of paths of attribute names, each of whose first
// depth steps lead to v.
func redactAttrs(v cty.Value, paths []cty.Path, depth int) cty.Value {
	for _, p := range paths {
		if len(p) == depth {
			return cty.UnknownVal(v.Type())
		}
	}
	if !v.Type().IsObjectType() || v.IsNull() || !v.IsKnown() {
		return v
	}
	var attrs map[string]cty.Value
	for i, p := range paths {
		name := p[depth].(cty.GetAttrStep).Name
		if !v.Type().HasAttribute(name) || seenAttr(paths[:i], depth, name) {
			continue
		}
		var under []cty.Path
		for _, q := range paths[i:] {
			if q[depth].(cty.GetAttrStep).Name == name {
				under = append(under, q)
			}
		}
		if attrs == nil {
			attrs = v.AsValueMap()
		}
		attrs[name] = redactAttrs(v.GetAttr(name), under, depth+1)
	}
	if attrs == nil {
		return v
	}
	return cty.ObjectVal(attrs)
}

// seenAttr reports whether one of paths names attribute name at depth.
func seenAttr(paths []cty.Path, depth int, name string) bool {
	for _, p := range paths {
		if p[depth].(cty.GetAttrStep).Name == name {
			return true
		}
	}
	return false
}

// redactWalk is redact by a walk of the whole value, for any path.
func redactWalk(v cty.Value, paths []cty.Path) (cty.Value, error) {
	out, err := cty.Transform(v, func(p cty.Path, v cty.Value) (cty.Value, error) {
		for _, s := range paths {
			if p.Equals(s) {
				return cty.UnknownVal(v.Type()), nil
			}
		}
		return v, nil
	})
	if err != nil {
		return cty.NilVal, fmt.Errorf("hiding the sensitive values: %w", err)
	}
	return out, nil
}
