package plans

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// FileFormat identifies a daftar plan file and its version.
const FileFormat = "daftar-plan/1"

type fileV1 struct {
	Format      string         `json:"format"`
	Lineage     string         `json:"lineage"`
	Serial      uint64         `json:"serial"`
	InputDigest string         `json:"input_digest"`
	RefreshOnly bool           `json:"refresh_only,omitempty"`
	Options     Options        `json:"options"`
	Changes     []fileChange   `json:"changes"`
	Outputs     []fileOutput   `json:"outputs,omitempty"`
	Spends      []Spend        `json:"spends,omitempty"`
	Resolutions []fileResolved `json:"resolutions,omitempty"`
}

type fileChange struct {
	Addr            string     `json:"address"`
	Provider        string     `json:"provider"`
	Action          string     `json:"action"`
	Before          *fileValue `json:"before,omitempty"`
	After           *fileValue `json:"after,omitempty"`
	SensitivePaths  [][]any    `json:"sensitive,omitempty"`
	RequiresReplace [][]any    `json:"requires_replace,omitempty"`
	Reason          string     `json:"reason,omitempty"`
	Spends          int        `json:"spends,omitempty"`
	ConfigDigest    string     `json:"config_digest,omitempty"`
	Deps            []string   `json:"deps,omitempty"`
}

// fileValue is a cty value with its type, msgpack-encoded so that unknown
// values survive the round trip.
type fileValue struct {
	Type  json.RawMessage `json:"type"`
	Value []byte          `json:"msgpack"`
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
	f := fileV1{Format: FileFormat, Lineage: p.Lineage, Serial: p.Serial, InputDigest: p.InputDigest,
		RefreshOnly: p.RefreshOnly, Options: p.Options, Spends: p.Spends}
	for _, c := range p.Changes {
		fc, err := encodeChange(c)
		if err != nil {
			return fmt.Errorf("saving the change of %s: %w", c.Addr, err)
		}
		f.Changes = append(f.Changes, fc)
	}
	for _, o := range p.Outputs {
		fo := fileOutput{Name: o.Name, Sensitive: o.Sensitive}
		if !o.Sensitive {
			v, err := encodeValue(o.Value)
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(f)
}

func encodeChange(c *Change) (fileChange, error) {
	fc := fileChange{Addr: c.Addr.String(), Provider: c.Provider, Action: c.Action.String(),
		Reason: c.Reason, Spends: c.Spends, ConfigDigest: c.ConfigDigest}
	before, err := redact(c.Before, c.Sensitive)
	if err != nil {
		return fc, err
	}
	after, err := redact(c.After, c.Sensitive)
	if err != nil {
		return fc, err
	}
	if fc.Before, err = encodeValue(before); err != nil {
		return fc, err
	}
	if fc.After, err = encodeValue(after); err != nil {
		return fc, err
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
	return fc, nil
}

func encodeValue(v cty.Value) (*fileValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	v, _ = v.UnmarkDeep()
	ty, err := ctyjson.MarshalType(v.Type())
	if err != nil {
		return nil, err
	}
	data, err := ctymsgpack.Marshal(v, v.Type())
	if err != nil {
		return nil, err
	}
	return &fileValue{Type: ty, Value: data}, nil
}

func decodeValue(fv *fileValue) (cty.Value, error) {
	if fv == nil {
		return cty.NilVal, nil
	}
	ty, err := ctyjson.UnmarshalType(fv.Type)
	if err != nil {
		return cty.NilVal, err
	}
	return ctymsgpack.Unmarshal(fv.Value, ty)
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

// Load reads a plan file written by Save.
func Load(r io.Reader) (*Plan, error) {
	var f fileV1
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("this is not a daftar plan file (%v)", err)
	}
	if f.Format != FileFormat {
		return nil, fmt.Errorf("this plan file has format %q; this daftar reads %q: make the plan again with this daftar", f.Format, FileFormat)
	}
	p := &Plan{Lineage: f.Lineage, Serial: f.Serial, InputDigest: f.InputDigest, RefreshOnly: f.RefreshOnly,
		Options: f.Options, Spends: f.Spends}
	for _, fc := range f.Changes {
		c, err := decodeChange(fc)
		if err != nil {
			return nil, fmt.Errorf("reading the change of %s: %w", fc.Addr, err)
		}
		p.Changes = append(p.Changes, c)
	}
	for _, fo := range f.Outputs {
		v, err := decodeValue(fo.Value)
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
	return p, nil
}

func decodeChange(fc fileChange) (*Change, error) {
	a, err := addrs.ParseInstance(fc.Addr)
	if err != nil {
		return nil, err
	}
	act, ok := actionNamed(fc.Action)
	if !ok {
		return nil, fmt.Errorf("unknown action %q", fc.Action)
	}
	c := &Change{Addr: a, Provider: fc.Provider, Action: act, Reason: fc.Reason, Spends: fc.Spends, ConfigDigest: fc.ConfigDigest}
	if c.Before, err = decodeValue(fc.Before); err != nil {
		return nil, err
	}
	if c.After, err = decodeValue(fc.After); err != nil {
		return nil, err
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
