package plans

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
	"golang.org/x/sync/errgroup"
)

// FileFormat identifies a daftar plan file and its version. Version 2
// writes each value's type once, in Types, and a no-op's value once;
// version 3 adds each change's depends_on (instances and resources), and,
// in files written since, whether it only writes the state (persist) and
// the configuration it was planned with (config, sensitive paths unknown).
// Load reads version 2 too, taking each change's resources as what it
// depends on.
const FileFormat = "daftar-plan/3"

// fileFormatV2 is the previous format, which Load still reads.
const fileFormatV2 = "daftar-plan/2"

type fileV2 struct {
	Format      string  `json:"format"`
	Lineage     string  `json:"lineage"`
	Serial      uint64  `json:"serial"`
	InputDigest string  `json:"input_digest"`
	RefreshOnly bool    `json:"refresh_only,omitempty"`
	Options     Options `json:"options"`
	// Types are the values' cty types (cty's JSON spelling), each once:
	// the 100,000 changes of a batch share one.
	Types       []json.RawMessage `json:"types"`
	Changes     []fileChange      `json:"changes"`
	Outputs     []fileOutput      `json:"outputs,omitempty"`
	Spends      []Spend           `json:"spends,omitempty"`
	Resolutions []fileResolved    `json:"resolutions,omitempty"`
	Existing    []fileExisting    `json:"existing,omitempty"`
	Excluded    []fileExcluded    `json:"excluded,omitempty"`
}

type fileExcluded struct {
	Addr   string `json:"address"`
	Reason string `json:"reason"`
}

type fileChange struct {
	Addr     string     `json:"address"`
	Provider string     `json:"provider"`
	Action   string     `json:"action"`
	Before   *fileValue `json:"before,omitempty"`
	After    *fileValue `json:"after,omitempty"`
	// Config is the configuration planned with, sensitive paths unknown
	// (none for a change that calls no provider, or in files written
	// before it was kept).
	Config *fileValue `json:"config,omitempty"`
	// AfterIsBefore is set, and After left out, when After is Before (a
	// no-op).
	AfterIsBefore   bool     `json:"after_is_before,omitempty"`
	SensitivePaths  [][]any  `json:"sensitive,omitempty"`
	RequiresReplace [][]any  `json:"requires_replace,omitempty"`
	Reason          string   `json:"reason,omitempty"`
	Spends          int      `json:"spends,omitempty"`
	ConfigDigest    string   `json:"config_digest,omitempty"`
	Deps            []string `json:"deps,omitempty"`
	DependsOn       []string `json:"depends_on,omitempty"`
	Importing       string   `json:"importing,omitempty"`
	PrevAddr        string   `json:"previous_address,omitempty"`
	Persist         bool     `json:"persist,omitempty"`
}

// fileValue is a cty value, msgpack-encoded so that unknown values survive
// the round trip, with its type's index in the file's Types.
type fileValue struct {
	Type  int    `json:"type"`
	Value []byte `json:"msgpack"`
}

type fileOutput struct {
	Name      string     `json:"name"`
	Sensitive bool       `json:"sensitive,omitempty"`
	Value     *fileValue `json:"value,omitempty"`
}

type fileResolved struct {
	Addr    string `json:"address"`
	Outcome string `json:"outcome"`
	Message string `json:"message"`
}

type fileExisting struct {
	Addr    string `json:"address"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

// Save serialises p. Values are written unmarked, and the value at every
// sensitive path is written as unknown: the plan holds digests, not
// secrets, and sensitive paths are kept for the renderers. Sensitive
// output values are not written at all. Seal the result before writing it
// to a file.
func Save(w io.Writer, p *Plan) error {
	if err := p.Read(); err != nil {
		return err
	}
	if p.Errored {
		return errors.New("a plan that has errors cannot be saved")
	}
	f := fileV2{Format: FileFormat, Lineage: p.Lineage, Serial: p.Serial, InputDigest: p.InputDigest,
		RefreshOnly: p.RefreshOnly, Options: p.Options, Spends: p.Spends}
	changes, types, err := encodeChanges(p.Changes)
	if err != nil {
		return err
	}
	f.Changes = changes
	for _, o := range p.Outputs {
		fo := fileOutput{Name: o.Name, Sensitive: o.Sensitive}
		if !o.Sensitive {
			v, err := types.encode(o.Value)
			if err != nil {
				return fmt.Errorf("saving output %s: %w", o.Name, err)
			}
			fo.Value = v
		}
		f.Outputs = append(f.Outputs, fo)
	}
	for _, r := range p.Resolutions {
		f.Resolutions = append(f.Resolutions, fileResolved{r.Addr.String(), r.Outcome, r.Message})
	}
	for _, e := range p.Excluded {
		f.Excluded = append(f.Excluded, fileExcluded{e.Addr.String(), e.Reason})
	}
	for _, e := range p.Existing {
		f.Existing = append(f.Existing, fileExisting{e.Addr.String(), e.ID, e.Message})
	}
	f.Types = types.json
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	// Compact, but for the newline before the closing brace, where Seal
	// adds its member.
	data = append(data[:len(data)-1], "\n}\n"...)
	_, err = w.Write(data)
	return err
}

// encodeChanges encodes the changes on every core, each worker with its
// own type table, then numbers the types of the whole file.
func encodeChanges(changes []*Change) ([]fileChange, *typeTable, error) {
	out := make([]fileChange, len(changes))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(changes)/256))
	tables := make([]*typeTable, workers)
	// One goroutine per worker, each with its own type table.
	var g errgroup.Group
	for w := range workers {
		tables[w] = &typeTable{}
		g.Go(func() error {
			for i := w; i < len(changes); i += workers {
				fc, err := encodeChange(changes[i], tables[w])
				if err != nil {
					return fmt.Errorf("saving the change of %s: %w", changes[i].Addr, err)
				}
				out[i] = fc
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	all := &typeTable{byJSON: map[string]int{}}
	remap := make([][]int, workers)
	for w, t := range tables {
		for i, j := range t.json {
			remap[w] = append(remap[w], all.add(t.types[i], j))
		}
	}
	for i := range out {
		for _, v := range []*fileValue{out[i].Before, out[i].After} {
			if v != nil {
				v.Type = remap[i%workers][v.Type]
			}
		}
	}
	return out, all, nil
}

func encodeChange(c *Change, types *typeTable) (fileChange, error) {
	fc := fileChange{Addr: c.Addr.String(), Provider: c.Provider, Action: c.Action.String(),
		Reason: c.Reason, Spends: c.Spends, ConfigDigest: c.ConfigDigest, Importing: c.Importing, Persist: c.Persist}
	if c.PrevAddr != nil {
		fc.PrevAddr = c.PrevAddr.String()
	}
	before, err := redact(c.Before, c.Sensitive)
	if err != nil {
		return fc, err
	}
	if fc.Before, err = types.encode(before); err != nil {
		return fc, err
	}
	if c.Action == NoOp && c.After != cty.NilVal && c.Before != cty.NilVal && c.After.RawEquals(c.Before) {
		fc.AfterIsBefore = true
	} else {
		after, err := redact(c.After, c.Sensitive)
		if err != nil {
			return fc, err
		}
		if fc.After, err = types.encode(after); err != nil {
			return fc, err
		}
	}
	if c.Config != cty.NilVal {
		cfg, err := redact(c.Config, c.Sensitive)
		if err != nil {
			return fc, err
		}
		if fc.Config, err = types.encode(cfg); err != nil {
			return fc, err
		}
	}
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
	return fc, nil
}

// typeTable numbers the types of a file's values. Types are compared with
// Equals against the most recent ones: a plan has a few, one per resource
// type mostly. Past that window a type may be written twice, which costs
// only room.
type typeTable struct {
	types  []cty.Type
	json   []json.RawMessage
	byJSON map[string]int // when merging tables
}

const typeWindow = 32

func (t *typeTable) encode(v cty.Value) (*fileValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	idx := -1
	for i := len(t.types) - 1; i >= max(0, len(t.types)-typeWindow); i-- {
		if t.types[i].Equals(ty) {
			idx = i
			break
		}
	}
	if idx < 0 {
		j, err := ctyjson.MarshalType(ty)
		if err != nil {
			return nil, err
		}
		t.types, t.json = append(t.types, ty), append(t.json, j)
		idx = len(t.types) - 1
	}
	data, err := ctymsgpack.Marshal(v, ty)
	if err != nil {
		return nil, err
	}
	return &fileValue{Type: idx, Value: data}, nil
}

// add numbers a type by its JSON spelling, once.
func (t *typeTable) add(ty cty.Type, j json.RawMessage) int {
	if i, ok := t.byJSON[string(j)]; ok {
		return i
	}
	t.types, t.json = append(t.types, ty), append(t.json, j)
	t.byJSON[string(j)] = len(t.types) - 1
	return len(t.types) - 1
}

// lazyValue is a value whose type is types[fv.Type], not decoded yet; the
// zero Lazy when fv is nil.
func lazyValue(fv *fileValue, types []cty.Type) (codec.Lazy, error) {
	if fv == nil {
		return codec.Lazy{}, nil
	}
	if fv.Type < 0 || fv.Type >= len(types) {
		return codec.Lazy{}, fmt.Errorf("value type %d is not among the file's %d types", fv.Type, len(types))
	}
	return codec.LazyMsgpack(fv.Value, types[fv.Type]), nil
}

// decodeValue reads a value whose type is types[fv.Type].
func decodeValue(fv *fileValue, types []cty.Type) (cty.Value, error) {
	l, err := lazyValue(fv, types)
	if err != nil {
		return cty.NilVal, err
	}
	return l.Decode()
}

// encodePath writes a path as a list of attribute names (strings) and
// indexes (numbers or {"key": string}).
// EncodePath writes an attribute path as JSON-ready steps: an attribute
// name as a string, a list index as a number, a map key as {"key": "..."}.
// The state keeps sensitive paths in this form too.
func EncodePath(p cty.Path) []any {
	var out []any
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			out = append(out, s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				out = append(out, map[string]string{"key": s.Key.AsString()})
			} else {
				n, _ := s.Key.AsBigFloat().Int64()
				out = append(out, n)
			}
		}
	}
	return out
}

// DecodePath is EncodePath's inverse, for steps decoded from JSON.
func DecodePath(raw []any) cty.Path {
	var p cty.Path
	for _, step := range raw {
		switch s := step.(type) {
		case string:
			p = append(p, cty.GetAttrStep{Name: s})
		case float64:
			p = append(p, cty.IndexStep{Key: cty.NumberIntVal(int64(s))})
		case map[string]any:
			k, _ := s["key"].(string)
			p = append(p, cty.IndexStep{Key: cty.StringVal(k)})
		}
	}
	return p
}

// Load reads a plan file written by Save. A no-op's values are decoded
// only when something reads them (Plan.Read): applying a saved plan of
// 100,000 unchanged instances compares their actions, not their values.
func Load(r io.Reader) (*Plan, error) {
	var f fileV2
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("this is not a daftar plan file (%v)", err)
	}
	if f.Format != FileFormat && f.Format != fileFormatV2 {
		return nil, fmt.Errorf("this plan file has format %q; this daftar reads %q: make the plan again with this daftar", f.Format, FileFormat)
	}
	types := make([]cty.Type, len(f.Types))
	for i, j := range f.Types {
		ty, err := ctyjson.UnmarshalType(j)
		if err != nil {
			return nil, fmt.Errorf("reading the plan's value types: %w", err)
		}
		types[i] = ty
	}
	p := &Plan{Lineage: f.Lineage, Serial: f.Serial, InputDigest: f.InputDigest, RefreshOnly: f.RefreshOnly,
		Options: f.Options, Spends: f.Spends}
	for _, fc := range f.Changes {
		c, err := decodeChange(fc, types)
		if err != nil {
			return nil, fmt.Errorf("reading the change of %s: %w", fc.Addr, err)
		}
		p.Changes = append(p.Changes, c)
	}
	for _, fo := range f.Outputs {
		v, err := decodeValue(fo.Value, types)
		if err != nil {
			return nil, fmt.Errorf("reading output %s: %w", fo.Name, err)
		}
		if fo.Sensitive {
			v = cty.DynamicVal
		}
		p.Outputs = append(p.Outputs, &Output{Name: fo.Name, Value: v, Sensitive: fo.Sensitive})
	}
	for _, fr := range f.Resolutions {
		a, err := addrs.ParseInstance(fr.Addr)
		if err != nil {
			return nil, err
		}
		p.Resolutions = append(p.Resolutions, Resolution{Addr: a, Outcome: fr.Outcome, Message: fr.Message})
	}
	for _, fe := range f.Excluded {
		a, err := addrs.ParseInstance(fe.Addr)
		if err != nil {
			return nil, err
		}
		p.Excluded = append(p.Excluded, Exclusion{Addr: a, Reason: fe.Reason})
	}
	for _, fe := range f.Existing {
		a, err := addrs.ParseInstance(fe.Addr)
		if err != nil {
			return nil, err
		}
		p.Existing = append(p.Existing, Existing{Addr: a, ID: fe.ID, Message: fe.Message})
	}
	return p, nil
}

func decodeChange(fc fileChange, types []cty.Type) (*Change, error) {
	a, err := addrs.ParseInstance(fc.Addr)
	if err != nil {
		return nil, err
	}
	act, ok := actionNamed(fc.Action)
	if !ok {
		return nil, fmt.Errorf("unknown action %q", fc.Action)
	}
	c := &Change{Addr: a, Provider: fc.Provider, Action: act, Reason: fc.Reason, Spends: fc.Spends, ConfigDigest: fc.ConfigDigest, Importing: fc.Importing, Persist: fc.Persist}
	if fc.PrevAddr != "" {
		prev, err := addrs.ParseInstance(fc.PrevAddr)
		if err != nil {
			return nil, err
		}
		c.PrevAddr = &prev
	}
	u := &unread{}
	if u.before, err = lazyValue(fc.Before, types); err != nil {
		return nil, err
	}
	if !fc.AfterIsBefore {
		after, err := lazyValue(fc.After, types)
		if err != nil {
			return nil, err
		}
		u.after = &after
	}
	if act == NoOp {
		c.unread = u
	} else if c.Before, c.After, err = u.values(); err != nil {
		return nil, err
	}
	if fc.Config != nil {
		if c.Config, err = decodeValue(fc.Config, types); err != nil {
			return nil, err
		}
	}
	for _, p := range fc.SensitivePaths {
		c.Sensitive = append(c.Sensitive, DecodePath(p))
	}
	for _, p := range fc.RequiresReplace {
		c.RequiresReplace = append(c.RequiresReplace, DecodePath(p))
	}
	for _, d := range fc.Deps {
		i, err := addrs.ParseInstance(d)
		if err != nil {
			return nil, err
		}
		c.Deps = append(c.Deps, i.Resource)
		if fc.DependsOn == nil {
			c.DependsOn = append(c.DependsOn, addrs.Instance{Resource: i.Resource})
		}
	}
	for _, d := range fc.DependsOn {
		i, err := addrs.ParseInstance(d)
		if err != nil {
			return nil, err
		}
		c.DependsOn = append(c.DependsOn, i)
	}
	return c, nil
}

func actionNamed(name string) (Action, bool) {
	for _, a := range []Action{NoOp, Create, Update, Replace, Forget, Read} {
		if a.String() == name {
			return a, true
		}
	}
	return NoOp, false
}
