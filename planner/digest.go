package planner

import (
	"crypto/sha256"
	"encoding/binary"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
	"hash"
	"sort"

	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// inputDigest is a keyed digest of what the plan was made from: every
// configuration file's bytes (by name) and every variable's value (by
// name). Files read by file functions are not included yet: their content
// reaches the plan through the resources' values only.
func (p *planner) inputDigest() string {
	if p.req.Digester == nil {
		return ""
	}
	h := sha256.New()
	names := make([]string, 0, len(p.cfg.Sources))
	for name := range p.cfg.Sources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		writeField(h, "file", []byte(name), p.cfg.Sources[name])
	}
	for _, name := range sortedKeys(p.req.Vars) {
		v, _ := p.req.Vars[name].UnmarkDeep()
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			b = []byte(v.GoString())
		}
		writeField(h, "var", []byte(name), b)
	}
	return p.req.Digester.Digest("plan-input", h.Sum(nil))
}

// appendField appends the bytes writeField would write.
func appendField(b []byte, kind string, parts ...[]byte) []byte {
	b = append(b, kind...)
	for _, part := range parts {
		b = binary.BigEndian.AppendUint64(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// writeField writes length-prefixed parts, so that no two inputs hash
// alike by shifting bytes between fields.
func writeField(h hash.Hash, kind string, parts ...[]byte) {
	h.Write([]byte(kind))
	for _, part := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
}

// configDigests fills each change's ConfigDigest from the configuration it
// was planned with (unknown parts included), so that apply of a saved plan
// can check that what runs is what was reviewed. No-ops need none, nor
// a plan that is only applied (Request.ApplyOnly).
func (p *planner) configDigests(steps []*Step) {
	if p.req.Digester == nil || p.req.ApplyOnly {
		return
	}
	for _, s := range steps {
		if s.Change.Action == plans.NoOp || s.Config == cty.NilVal { // a packed create's is set (pack)
			continue
		}
		s.Change.ConfigDigest = configDigest(p.req.Digester, s.Config)
	}
}
