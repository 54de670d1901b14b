package plans

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/daftar-dev/daftar/internal/codec"
	"hash"
	"io"
	"runtime"
	"sync"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
	"golang.org/x/sync/errgroup"
)

// Save writes p as a plan file, unsealed (SaveSealed seals it). Values are
// written unmarked, and the value at every sensitive path is written as
// unknown: the plan holds digests, not secrets, and sensitive paths are
// kept for the renderers. Sensitive output values are not written at all.
//
// The changes are encoded a chunk at a time on every core and written in
// order, so memory follows the chunk, not the plan; a deferred no-op's
// value is decoded for its own line and dropped (the plan is left as it
// was).
func Save(w io.Writer, p *Plan) error {
	return save(w, p, &planSource{changes: p.Changes}, len(p.Changes), nil)
}

// SaveSealed writes p as Save does, then a last line holding the seal: a
// keyed digest (d) of every byte before it. A plan file changed after it
// was saved, even by one byte, no longer opens (CheckSeal, NewReader).
// Only a holder of the digest key can seal a plan.
func SaveSealed(w io.Writer, p *Plan, d Digester) error {
	if d == nil {
		return errors.New("internal error: sealing a plan file without a digest key")
	}
	return save(w, p, &planSource{changes: p.Changes}, len(p.Changes), d)
}

// SaveSealedFrom is SaveSealed of the plan p with the n changes src hands
// out, in address order, in place of p's Changes: a planner's Result.
// Source, which makes the no-ops of a batch's unchanged instances as they
// are written. It is an error for src to hand out another number.
func SaveSealedFrom(w io.Writer, p *Plan, src ChangeSource, n int, d Digester) error {
	if d == nil {
		return errors.New("internal error: sealing a plan file without a digest key")
	}
	return save(w, p, src, n, d)
}

func save(w io.Writer, p *Plan, src ChangeSource, n int, d Digester) error {
	if p.Errored {
		return errors.New("a plan that has errors cannot be saved")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	sum := sha256.New()
	out := io.MultiWriter(bw, sum)
	h, err := encodeHeader(p, n)
	if err != nil {
		return err
	}
	if err := writeLine(out, h); err != nil {
		return err
	}
	if err := writeChanges(out, src, n); err != nil {
		return err
	}
	if d != nil {
		if err := writeLine(bw, fileSeal{Seal: sealOf(sum, d)}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeLine(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// saveChunk is how many changes are encoded together, on every core,
// before they are written: what a save holds at once.
const saveChunk = 1024

// writeChanges writes the lines of the n changes src hands out, and each
// type line before the first change that uses its type.
func writeChanges(w io.Writer, src ChangeSource, n int) error {
	types := &typeTable{byJSON: map[string]int{}}
	workers := max(1, runtime.GOMAXPROCS(0))
	lines := make([]encodedChange, min(saveChunk, n))
	chunk := make([]*Change, 0, min(saveChunk, n))
	caches := make([]typeCache, workers)
	for w := range caches {
		caches[w].table = types
	}
	written := 0 // type lines written
	for read := 0; ; {
		var err error
		if chunk, err = nextChunk(src, chunk[:0]); err != nil {
			return err
		}
		if read += len(chunk); read > n || len(chunk) == 0 && read < n {
			return fmt.Errorf("internal error: saving a plan of %d changes, %d handed out", n, read)
		}
		if len(chunk) == 0 {
			return nil
		}
		// Small chunks are not worth a goroutine each.
		k := min(workers, max(1, len(chunk)/64))
		var g errgroup.Group
		for w := range k {
			g.Go(func() error {
				for i := w; i < len(chunk); i += k {
					line, err := encodeChange(chunk[i], &caches[w])
					if err != nil {
						return fmt.Errorf("saving the change of %s: %w", chunk[i].Addr, err)
					}
					lines[i] = line
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for i := range chunk {
			for ; written <= lines[i].maxType; written++ {
				if err := writeLine(w, fileType{Type: types.spelling(written)}); err != nil {
					return err
				}
			}
			if _, err := w.Write(lines[i].line); err != nil {
				return err
			}
			lines[i] = encodedChange{}
		}
		for w := range caches {
			caches[w].lines = caches[w].lines[:0] // the chunk's lines are written
		}
	}
}

// nextChunk appends to chunk the next changes src hands out, up to
// saveChunk (none after the last).
func nextChunk(src ChangeSource, chunk []*Change) ([]*Change, error) {
	for len(chunk) < saveChunk {
		c, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		chunk = append(chunk, c)
	}
	return chunk, nil
}

// encodedChange is a change's line, and the highest type number it uses
// (-1: none).
type encodedChange struct {
	line    []byte
	maxType int
}

func encodeChange(c *Change, types *typeCache) (encodedChange, error) {
	out := encodedChange{maxType: -1}
	fc := fileChange{Addr: c.Addr.String(), Provider: c.Provider, Action: c.Action.String(),
		Reason: c.Reason, Spends: c.Spends, ConfigDigest: c.ConfigDigest, Importing: c.Importing(), Persist: c.Persist}
	if prev := c.PrevAddr(); prev != nil {
		fc.PrevAddr = prev.String()
	}
	if packed, ok := types.encodePacked(c); ok {
		fc.Before, fc.After, fc.Config = packed[0], packed[1], packed[2]
		for _, fv := range packed {
			out.maxType = max(out.maxType, fv.Type)
		}
		return finishChange(out, fc, c, types)
	}
	before, after, err := c.Values()
	if err != nil {
		return out, err
	}
	value := func(v cty.Value) (*fileValue, error) {
		fv, err := types.encode(v, c.Sensitive)
		if fv != nil {
			out.maxType = max(out.maxType, fv.Type)
		}
		return fv, err
	}
	if fc.Before, err = value(before); err != nil {
		return out, err
	}
	if c.Action == NoOp && after != cty.NilVal && before != cty.NilVal && after.RawEquals(before) {
		fc.AfterIsBefore = true
	} else if fc.After, err = value(after); err != nil {
		return out, err
	}
	config, err := c.ConfigValue()
	if err != nil {
		return out, err
	}
	if config != cty.NilVal {
		if fc.Config, err = value(config); err != nil {
			return out, err
		}
	}
	return finishChange(out, fc, c, types)
}

// finishChange encodes the line of c, whose values fc holds, in t's lines
// (a line of its own when t is nil).
func finishChange(out encodedChange, fc fileChange, c *Change, t *typeCache) (encodedChange, error) {
	for _, p := range c.Sensitive {
		fc.SensitivePaths = append(fc.SensitivePaths, EncodePath(p))
	}
	for _, p := range c.RequiresReplace {
		fc.RequiresReplace = append(fc.RequiresReplace, EncodePath(p))
	}
	for _, d := range c.Deps {
		fc.Deps = append(fc.Deps, d.String())
	}
	for _, d := range c.DependsOn {
		fc.DependsOn = append(fc.DependsOn, d.String())
	}
	size := 256 + len(fc.Addr) + len(fc.Reason) + len(fc.ConfigDigest)
	for _, v := range [...]*fileValue{fc.Before, fc.After, fc.Config} {
		if v != nil {
			size += 32 + base64.StdEncoding.EncodedLen(len(v.Value))
		}
	}
	var dst []byte
	switch {
	case t == nil:
		dst = make([]byte, 0, size)
	case cap(t.lines)-len(t.lines) < size:
		// A new array: the chunk's lines written so far keep theirs.
		t.lines = make([]byte, 0, max(lineArena, 2*cap(t.lines), size))
		dst = t.lines
	default:
		dst = t.lines
	}
	start := len(dst)
	if line, ok := appendFileChange(dst, &fc); ok {
		line = append(line, '\n')
		if t != nil {
			t.lines = line
		}
		out.line = line[start:len(line):len(line)]
		return out, nil
	}
	data, err := json.Marshal(&fc)
	out.line = append(data, '\n')
	return out, err
}

// typeTable numbers the types of a file's values by their JSON spelling,
// for every worker of a save.
type typeTable struct {
	mu     sync.Mutex
	json   []json.RawMessage
	byJSON map[string]int
}

// number is the number of the type spelt j, given one if it has none.
func (t *typeTable) number(j json.RawMessage) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.byJSON[string(j)]; ok {
		return i
	}
	t.json = append(t.json, j)
	t.byJSON[string(j)] = len(t.json) - 1
	return len(t.json) - 1
}

func (t *typeTable) spelling(i int) json.RawMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.json[i]
}

// typeCache is one worker's recent types and their numbers: a plan has a
// few types, one per resource type mostly, and comparing a type with
// Equals is cheaper than spelling it. One per goroutine.
type typeCache struct {
	table   *typeTable
	types   []cty.Type
	numbers []int
	// packed holds encodePacked's redacted values, reused from one
	// change to the next: the worker writes a change's line before it
	// encodes the next.
	packed [3][]byte
	// lines holds the worker's lines of the chunk being saved, one after
	// the other (finishChange), reused from chunk to chunk: a plan of
	// 100,000 creates allocates a few arrays for its lines, not a line
	// each.
	lines []byte
}

// lineArena is the least size of a worker's array of lines.
const lineArena = 256 << 10

const typeWindow = 16

// encode encodes v, unmarked, with the value at each sensitive path
// unknown (redact).
func (t *typeCache) encode(v cty.Value, sens []cty.Path) (*fileValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	data, err := encodeRedacted(v, sens)
	if err != nil {
		return nil, err
	}
	return t.fileValue(v.Type(), data)
}

// encodePacked encodes the before, after and configuration of a packed
// create (Change.Pack) from their msgpack as encode encodes them decoded
// (redactMsgpack): the same bytes, without decoding two values per create
// to encode them again. ok is false for any other change, or values
// redactMsgpack declines. The values are in t's buffers, valid until its
// next encodePacked: the caller writes the change's line first.
func (t *typeCache) encodePacked(c *Change) (vals [3]*fileValue, ok bool) {
	u := c.pending()
	if u == nil || !u.packed() || c.Action != Create || c.Config != cty.NilVal || u.after() == nil || !attributePaths(c.Sensitive) {
		return vals, false
	}
	for i, l := range [3]codec.Lazy{u.before, *u.after(), u.config()} {
		data, ty, isMsgpack := l.Msgpack()
		if !isMsgpack {
			return vals, false
		}
		redacted, rest, ok := redactMsgpack(t.packed[i][:0], data, ty, c.Sensitive, 0)
		t.packed[i] = redacted
		if !ok || len(rest) != 0 {
			return vals, false
		}
		if i > 0 {
			// Pack gives the three values the resource's type: its
			// number once.
			vals[i] = &fileValue{Type: vals[0].Type, Value: redacted}
			continue
		}
		fv, err := t.fileValue(ty, redacted)
		if err != nil {
			return vals, false
		}
		vals[i] = fv
	}
	return vals, true
}

// fileValue is data, a value of type ty, with its type's number.
func (t *typeCache) fileValue(ty cty.Type, data []byte) (*fileValue, error) {
	n := -1
	for i := len(t.types) - 1; i >= 0; i-- {
		if t.types[i].Equals(ty) {
			n = t.numbers[i]
			break
		}
	}
	if n < 0 {
		j, err := ctyjson.MarshalType(ty)
		if err != nil {
			return nil, err
		}
		n = t.table.number(j)
		if len(t.types) == typeWindow {
			t.types, t.numbers = t.types[1:], t.numbers[1:]
		}
		t.types, t.numbers = append(t.types, ty), append(t.numbers, n)
	}
	return &fileValue{Type: n, Value: data}, nil
}

// encodeRedacted is the msgpack encoding of redact(v, sens): by
// appendMsgpack where it can, by cty's encoder otherwise.
func encodeRedacted(v cty.Value, sens []cty.Path) ([]byte, error) {
	if attributePaths(sens) {
		if data, ok := appendMsgpack(make([]byte, 0, 512), v, sens, 0); ok {
			return data, nil
		}
	}
	v, err := redact(v, sens)
	if err != nil {
		return nil, err
	}
	if v.ContainsMarked() {
		v, _ = v.UnmarkDeep()
	}
	return ctymsgpack.Marshal(v, v.Type())
}

// attributePaths reports whether every path is of attribute names only.
func attributePaths(paths []cty.Path) bool {
	for _, p := range paths {
		for _, step := range p {
			if _, ok := step.(cty.GetAttrStep); !ok {
				return false
			}
		}
	}
	return true
}

// sealOf is the seal of the bytes sum has hashed.
func sealOf(sum hash.Hash, d Digester) string {
	return d.Digest(sealPurpose, []byte(fmt.Sprintf("%x", sum.Sum(nil))))
}
