package plans

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// FileFormat identifies a daftar plan file and its version. Version 4 is
// written and read one change at a time: a file is lines of JSON, a
// header (everything but the changes), then the changes in address order,
// each value type on its own line before the first change that uses it,
// then the seal (see seal.go). Earlier versions were one JSON document,
// read whole; a plan file lives from plan -out to apply, so this daftar
// refuses them and asks for the plan to be made again.
const FileFormat = "daftar-plan/4"

// fileHeader is a plan file's first line: the plan without its changes.
type fileHeader struct {
	Format      string  `json:"format"`
	Lineage     string  `json:"lineage"`
	Serial      uint64  `json:"serial"`
	InputDigest string  `json:"input_digest"`
	RefreshOnly bool    `json:"refresh_only,omitempty"`
	Options     Options `json:"options"`
	// Changes is how many change lines follow.
	Changes     int            `json:"changes"`
	Outputs     []fileOutput   `json:"outputs,omitempty"`
	Spends      []Spend        `json:"spends,omitempty"`
	Resolutions []fileResolved `json:"resolutions,omitempty"`
	Existing    []fileExisting `json:"existing,omitempty"`
	Excluded    []fileExcluded `json:"excluded,omitempty"`
}

// fileType is a line that defines the next value type (numbered from 0 in
// the order of the lines): the 100,000 changes of a batch share one.
type fileType struct {
	Type json.RawMessage `json:"type"`
}

// typeLinePrefix begins a type line; a change line begins with
// {"address":.
const typeLinePrefix = `{"type":`

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
	// (none for a change that calls no provider).
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
// the round trip, with its type's number among the file's type lines.
type fileValue struct {
	Type  int    `json:"type"`
	Value []byte `json:"msgpack"`
}

// fileOutput is an output value with its own type (cty's JSON spelling):
// outputs are few, and are in the header, before any type line.
type fileOutput struct {
	Name      string          `json:"name"`
	Sensitive bool            `json:"sensitive,omitempty"`
	Type      json.RawMessage `json:"type,omitempty"`
	Value     []byte          `json:"msgpack,omitempty"`
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

// encodeOutput writes an output value with its type; a sensitive output's
// value is not written at all.
func encodeOutput(o *Output) (fileOutput, error) {
	fo := fileOutput{Name: o.Name, Sensitive: o.Sensitive}
	if o.Sensitive || o.Value == cty.NilVal {
		return fo, nil
	}
	v, _ := o.Value.UnmarkDeep()
	ty, err := ctyjson.MarshalType(v.Type())
	if err != nil {
		return fo, err
	}
	if fo.Value, err = ctymsgpack.Marshal(v, v.Type()); err != nil {
		return fo, err
	}
	fo.Type = ty
	return fo, nil
}

func decodeOutput(fo fileOutput) (*Output, error) {
	o := &Output{Name: fo.Name, Sensitive: fo.Sensitive, Value: cty.NilVal}
	if fo.Sensitive {
		o.Value = cty.DynamicVal
		return o, nil
	}
	if fo.Type == nil {
		return o, nil
	}
	ty, err := ctyjson.UnmarshalType(fo.Type)
	if err != nil {
		return nil, err
	}
	o.Value, err = ctymsgpack.Unmarshal(fo.Value, ty)
	return o, err
}

// encodeHeader is the plan without its n changes, as the file's first
// line holds it.
func encodeHeader(p *Plan, n int) (fileHeader, error) {
	h := fileHeader{Format: FileFormat, Lineage: p.Lineage, Serial: p.Serial, InputDigest: p.InputDigest,
		RefreshOnly: p.RefreshOnly, Options: p.Options, Changes: n, Spends: p.Spends}
	for _, o := range p.Outputs {
		fo, err := encodeOutput(o)
		if err != nil {
			return h, fmt.Errorf("saving output %s: %w", o.Name, err)
		}
		h.Outputs = append(h.Outputs, fo)
	}
	for _, r := range p.Resolutions {
		h.Resolutions = append(h.Resolutions, fileResolved{r.Addr.String(), r.Outcome, r.Message})
	}
	for _, e := range p.Excluded {
		h.Excluded = append(h.Excluded, fileExcluded{e.Addr.String(), e.Reason})
	}
	for _, e := range p.Existing {
		h.Existing = append(h.Existing, fileExisting{e.Addr.String(), e.ID, e.Message})
	}
	return h, nil
}

// decodeHeader is the plan the header describes, with no changes.
func decodeHeader(h fileHeader) (*Plan, error) {
	p := &Plan{Lineage: h.Lineage, Serial: h.Serial, InputDigest: h.InputDigest, RefreshOnly: h.RefreshOnly,
		Options: h.Options, Spends: h.Spends}
	for _, fo := range h.Outputs {
		o, err := decodeOutput(fo)
		if err != nil {
			return nil, fmt.Errorf("reading output %s: %w", fo.Name, err)
		}
		p.Outputs = append(p.Outputs, o)
	}
	for _, fr := range h.Resolutions {
		a, err := addrs.ParseInstance(fr.Addr)
		if err != nil {
			return nil, err
		}
		p.Resolutions = append(p.Resolutions, Resolution{Addr: a, Outcome: fr.Outcome, Message: fr.Message})
	}
	for _, fe := range h.Excluded {
		a, err := addrs.ParseInstance(fe.Addr)
		if err != nil {
			return nil, err
		}
		p.Excluded = append(p.Excluded, Exclusion{Addr: a, Reason: fe.Reason})
	}
	for _, fe := range h.Existing {
		a, err := addrs.ParseInstance(fe.Addr)
		if err != nil {
			return nil, err
		}
		p.Existing = append(p.Existing, Existing{Addr: a, ID: fe.ID, Message: fe.Message})
	}
	return p, nil
}

// lazyValue is a value whose type is types[fv.Type], not decoded yet; the
// zero Lazy when fv is nil.
func lazyValue(fv *fileValue, types []cty.Type) (codec.Lazy, error) {
	if fv == nil {
		return codec.Lazy{}, nil
	}
	if fv.Type < 0 || fv.Type >= len(types) {
		return codec.Lazy{}, fmt.Errorf("value type %d is not among the %d types defined before it", fv.Type, len(types))
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

// decodeChange decodes one change line; packCreates leaves a create's
// values encoded (Reader.PackCreates).
func decodeChange(fc *fileChange, types []cty.Type, packCreates bool) (*Change, error) {
	a, err := addrs.ParseInstance(fc.Addr)
	if err != nil {
		return nil, err
	}
	act, ok := actionNamed(fc.Action)
	if !ok {
		return nil, fmt.Errorf("unknown action %q", fc.Action)
	}
	c := &Change{Addr: a, Provider: fc.Provider, Action: act, Reason: fc.Reason, Spends: fc.Spends, ConfigDigest: fc.ConfigDigest, Persist: fc.Persist}
	c.SetImporting(fc.Importing)
	if fc.PrevAddr != "" {
		prev, err := addrs.ParseInstance(fc.PrevAddr)
		if err != nil {
			return nil, err
		}
		c.SetPrevAddr(&prev)
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
		u.more = &unreadMore{after: &after}
	}
	switch {
	case act == NoOp:
		c.unread = u
	case packCreates && act == Create && fc.Before != nil && bytes.Equal(fc.Before.Value, nullMsgpack) && u.after() != nil && fc.Config != nil:
		if u.more.config, err = lazyValue(fc.Config, types); err != nil {
			return nil, err
		}
		c.unread = u
	default:
		if c.Before, c.After, err = u.values(); err != nil {
			return nil, err
		}
	}
	if fc.Config != nil && c.unread == nil {
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
