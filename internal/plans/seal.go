package plans

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"

	"github.com/zclconf/go-cty/cty"
)

// Digester makes keyed digests (secrets.Digester is one).
type Digester interface {
	Digest(purpose string, value []byte) string
}

// sealPurpose is the digest purpose of a plan file's seal.
const sealPurpose = "plan-file"

// sealMember is how the seal member begins in a sealed plan file.
var sealMember = []byte(",\n \"seal\": \"")

// sealTail matches the end of a sealed plan file: the seal member and the
// closing brace.
var sealTail = regexp.MustCompile(`,\n "seal": "([a-z0-9-]+:[0-9a-f]+)"\n}\n$`)

// ErrSealBroken reports a plan file whose seal does not match its content.
var ErrSealBroken = errors.New("its seal does not match its content: it was changed after it was saved, or saved with another digest key")

// Seal returns the plan file data (as Save wrote it) with a last member,
// "seal", holding a keyed digest of every byte before it: a plan file
// changed after it was saved, even by one byte, no longer opens. Only a
// holder of the digest key can seal a plan.
func Seal(data []byte, d Digester) ([]byte, error) {
	body, ok := bytes.CutSuffix(data, []byte("\n}\n"))
	if !ok {
		return nil, errors.New("internal error: a plan file to seal does not end as Save writes it")
	}
	seal := d.Digest(sealPurpose, data)
	out := make([]byte, 0, len(data)+len(sealMember)+len(seal)+4)
	out = append(append(append(out, body...), sealMember...), seal...)
	return append(out, "\"\n}\n"...), nil
}

// Unseal checks the seal of a plan file and returns the data as Save wrote
// it. A file without a seal, or whose seal does not match, is refused.
func Unseal(data []byte, d Digester) ([]byte, error) {
	m := sealTail.FindSubmatchIndex(data)
	if m == nil {
		return nil, errors.New("it has no seal: it was not saved by daftar plan -out, or was cut short")
	}
	body := append(bytes.Clone(data[:m[0]]), "\n}\n"...)
	if d.Digest(sealPurpose, body) != string(data[m[2]:m[3]]) {
		return nil, ErrSealBroken
	}
	return body, nil
}

// redact returns v with the value at every sensitive path replaced by an
// unknown value of its type, so that a saved plan holds no sensitive value
// (not even a masked or digested one): the change's ConfigDigest stands
// for them, and apply of the plan evaluates them again from the
// configuration.
func redact(v cty.Value, paths []cty.Path) (cty.Value, error) {
	if v == cty.NilVal || len(paths) == 0 {
		return v, nil
	}
	v, _ = v.UnmarkDeep()
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
