package render

import (
	"bufio"
	"encoding/json"
	"io"
	"runtime"
	"sync"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// PlanFormatVersion is the version of Terraform's JSON plan format that
// plan -json and show -json PLANFILE follow (docs/json.md).
const PlanFormatVersion = "1.2"

// jsonPlanTail is the machine-readable plan of plan -json and show -json
// after its resource_changes, in Terraform's JSON plan format: the names
// Terraform defines mean what they mean in Terraform; daftar's additions
// (spends, resolutions, excluded, summary, refresh_only, lineage, serial,
// and per change action, reason, spends, depends_on) are names Terraform
// does not use. The document is format_version, resource_changes (one
// jsonResourceChange per change), then these fields in this order.
type jsonPlanTail struct {
	OutputChanges map[string]jsonValue `json:"output_changes"`
	Spends        []jsonSpend          `json:"spends"`
	Resolutions   []jsonResolution     `json:"resolutions"`
	Excluded      []jsonExclusion      `json:"excluded,omitempty"`
	Existing      []jsonExisting       `json:"existing"`
	Summary       jsonSummary          `json:"summary"`
	RefreshOnly   bool                 `json:"refresh_only"`
	Lineage       string               `json:"lineage"`
	Serial        uint64               `json:"serial"`
}

type jsonResourceChange struct {
	Address string `json:"address"`
	Mode    string `json:"mode"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Index   any    `json:"index,omitempty"`
	// ModuleAddress is Terraform's: the module instance that holds the
	// resource (module.hire["ani"]), absent in the root module.
	ModuleAddress string `json:"module_address,omitempty"`
	// PreviousAddress is Terraform's: the address a moved block renamed
	// the instance from.
	PreviousAddress string `json:"previous_address,omitempty"`
	// ProviderName is Terraform's name for the provider; Provider is
	// version 0.1's, kept.
	ProviderName string `json:"provider_name"`
	Provider     string `json:"provider"`
	// Action is version 0.1's flat action; change.actions is Terraform's.
	Action string `json:"action"`
	Reason string `json:"reason,omitempty"`
	Spends int    `json:"spends,omitempty"`
	// DependsOn lists what the change waits for, and whose failure skips
	// it: instance addresses, or resource addresses for every instance.
	DependsOn []string   `json:"depends_on,omitempty"`
	Change    jsonChange `json:"change"`
}

type jsonChange struct {
	Actions         []string        `json:"actions"`
	Before          json.RawMessage `json:"before"`
	After           json.RawMessage `json:"after"`
	AfterUnknown    json.RawMessage `json:"after_unknown"`
	BeforeSensitive json.RawMessage `json:"before_sensitive"`
	AfterSensitive  json.RawMessage `json:"after_sensitive"`
	ReplacePaths    [][]any         `json:"replace_paths,omitempty"`
	// Importing is Terraform's change.importing: the id an import block
	// adopts.
	Importing *jsonImporting `json:"importing,omitempty"`
}

type jsonImporting struct {
	ID string `json:"id"`
}

// jsonValue is an output change: value, unknown and sensitive (version
// 0.1), and Terraform's after, after_unknown and after_sensitive, which say
// the same. The output's value before the plan is not in the plan, so
// Terraform's actions and before are left out.
type jsonValue struct {
	Value          json.RawMessage `json:"value"`
	Unknown        bool            `json:"unknown,omitempty"`
	Sensitive      bool            `json:"sensitive,omitempty"`
	After          json.RawMessage `json:"after"`
	AfterUnknown   bool            `json:"after_unknown"`
	AfterSensitive bool            `json:"after_sensitive"`
}

type jsonSpend struct {
	Provider string `json:"provider"`
	Unit     string `json:"unit"`
	Count    int    `json:"count"`
	Balance  *int64 `json:"balance"`
}

type jsonResolution struct {
	Address string `json:"address"`
	Outcome string `json:"outcome"`
	Message string `json:"message"`
}

// jsonExclusion is an instance left out as invalid (-exclude-invalid).
type jsonExclusion struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
}

// jsonExisting is a create not planned because the remote already holds
// its record.
type jsonExisting struct {
	Address string `json:"address"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

type jsonSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Replace int `json:"replace"`
	Forget  int `json:"forget"`
	Import  int `json:"import,omitempty"`
}

// PlanJSON writes the plan as one JSON object (plan -json, show -json
// PLANFILE). Sensitive values are written as null and flagged in
// before_sensitive/after_sensitive; unknown values as null and flagged in
// after_unknown.
//
// The document is streamed: each resource change is encoded and written
// on its own, its deferred values decoded for it alone and then dropped,
// so memory does not grow with the number of changes beyond what the plan
// holds. The bytes are those of encoding the whole document at once with
// json.Encoder and a two-space indent. An error reading a change's value
// is returned after what was written before it.
func PlanJSON(w io.Writer, p *plans.Plan) error {
	return PlanJSONFrom(w, p, p.Source())
}

// PlanJSONFrom is PlanJSON of the plan p with the changes src hands out
// (p's own Changes are not read): show -json PLANFILE streams a plan file's
// changes through it, decoding one at a time. The bytes are PlanJSON's of
// the whole plan.
func PlanJSONFrom(w io.Writer, p *plans.Plan, src plans.ChangeSource) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	version, _ := json.Marshal(PlanFormatVersion)
	bw.WriteString("{\n  \"format_version\": ")
	bw.Write(version)
	bw.WriteString(",\n  \"resource_changes\": [")
	var counts plans.Counts
	batch := make([]*plans.Change, 0, encodeBatch)
	encoded := make([][]byte, encodeBatch)
	errs := make([]error, encodeBatch)
	written := 0
	for done := false; !done; {
		batch = batch[:0]
		var readErr error
		for len(batch) < encodeBatch {
			c, err := src.Next()
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				done = true
				break
			}
			batch = append(batch, c)
		}
		encodeChanges(batch, encoded, errs)
		for i, c := range batch {
			if errs[i] != nil {
				bw.Flush()
				return errs[i]
			}
			counts.Count(c)
			if written > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n    ")
			bw.Write(encoded[i])
			encoded[i] = nil
			written++
		}
		if readErr != nil {
			bw.Flush()
			return readErr
		}
	}
	if written > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteByte(']')
	tail := jsonPlanTail{
		OutputChanges: map[string]jsonValue{},
		Spends:        []jsonSpend{},
		Resolutions:   []jsonResolution{},
		Existing:      []jsonExisting{},
		RefreshOnly:   p.RefreshOnly,
		Lineage:       p.Lineage,
		Serial:        p.Serial,
	}
	for _, o := range p.Outputs {
		tail.OutputChanges[o.Name] = jsonOutput(o)
	}
	for _, s := range p.Spends {
		js := jsonSpend{Provider: s.Provider, Unit: s.Unit, Count: s.Count}
		if s.Balance >= 0 {
			b := s.Balance
			js.Balance = &b
		}
		tail.Spends = append(tail.Spends, js)
	}
	for _, r := range p.Resolutions {
		tail.Resolutions = append(tail.Resolutions, jsonResolution{r.Addr.String(), r.Outcome, r.Message})
	}
	for _, e := range p.Excluded {
		tail.Excluded = append(tail.Excluded, jsonExclusion{e.Addr.String(), e.Reason})
	}
	for _, e := range p.Existing {
		tail.Existing = append(tail.Existing, jsonExisting{e.Addr.String(), e.ID, e.Message})
	}
	s := counts.Summary
	tail.Summary = jsonSummary{s.Add, s.Change, s.Replace, s.Forget, s.Import}
	data, err := json.MarshalIndent(tail, "", "  ")
	if err != nil {
		bw.Flush()
		return err
	}
	// data is {"output_changes": ... }: its fields follow resource_changes.
	bw.WriteByte(',')
	bw.Write(data[1:])
	bw.WriteByte('\n')
	return bw.Flush()
}

// encodeBatch is how many changes PlanJSONFrom reads, then encodes on
// every core, then writes in order: encoding is nearly all of plan -json's
// cost (a no-op's record decoded, scrubbed and written as JSON), and a
// batch in flight is about a megabyte.
const encodeBatch = 512

// encodeChanges encodes each change of batch as PlanJSONFrom writes it,
// into encoded (or its error into errs) at the same index, on every core.
func encodeChanges(batch []*plans.Change, encoded [][]byte, errs []error) {
	encode := func(i int) {
		rc, err := jsonChangeOf(batch[i])
		if err == nil {
			encoded[i], err = json.MarshalIndent(rc, "    ", "  ")
		}
		errs[i] = err
	}
	workers := min(runtime.GOMAXPROCS(0), len(batch)/16)
	if workers < 2 {
		for i := range batch {
			encode(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(batch); i += workers {
				encode(i)
			}
		}()
	}
	wg.Wait()
}

func jsonChangeOf(c *plans.Change) (jsonResourceChange, error) {
	before, after, err := c.Values()
	if err != nil {
		return jsonResourceChange{}, err
	}
	rc := jsonResourceChange{
		Address:      c.Addr.String(),
		Mode:         c.Addr.Resource.Mode.String(),
		Type:         c.Addr.Resource.Type,
		Name:         c.Addr.Resource.Name,
		ProviderName: c.Provider,
		Provider:     c.Provider,
		Action:       c.Action.String(),
		Reason:       c.Reason,
		Spends:       c.Spends,
	}
	if k := c.Addr.OwnKey(); k != nil {
		rc.Index = keyValue(k)
	}
	rc.ModuleAddress = c.Addr.ModuleInstance()
	if prev := c.PrevAddr(); prev != nil {
		rc.PreviousAddress = prev.String()
	}
	for _, d := range c.DependsOn {
		rc.DependsOn = append(rc.DependsOn, d.String())
	}
	rc.Change.Actions = ChangeActions(c.Action)
	sens := sensitiveSet(c.Sensitive)
	rc.Change.Before, rc.Change.BeforeSensitive = valueJSON(before, sens)
	rc.Change.After, rc.Change.AfterSensitive = valueJSON(after, sens)
	rc.Change.AfterUnknown = unknownJSON(after)
	if id := c.Importing(); id != "" {
		rc.Change.Importing = &jsonImporting{ID: id}
	}
	for _, p := range c.RequiresReplace {
		rc.Change.ReplacePaths = append(rc.Change.ReplacePaths, pathJSON(p))
	}
	return rc, nil
}

// ChangeActions is a change's actions as Terraform's JSON spells them:
// ["create"], ["update"], ["read"], ["no-op"], and daftar's own ["forget"]
// (the record leaves the state and stays remote; no API can delete) and
// ["create", "forget"] for a replacement (a new record, the old one
// forgotten), where Terraform would delete.
func ChangeActions(a plans.Action) []string {
	switch a {
	case plans.Replace:
		return []string{"create", "forget"}
	case plans.Create, plans.Update, plans.Forget, plans.Read:
		return []string{a.String()}
	}
	return []string{"no-op"}
}

func jsonOutput(o *plans.Output) jsonValue {
	out := jsonValue{Value: json.RawMessage("null")}
	switch {
	case o.Sensitive:
		out.Sensitive = true
	case !o.Value.IsWhollyKnown():
		out.Unknown = true
	default:
		v, sensitive := valueJSON(o.Value, nil)
		out.Value, out.Sensitive = v, string(sensitive) != "false"
	}
	out.After, out.AfterUnknown, out.AfterSensitive = out.Value, out.Unknown, out.Sensitive
	return out
}

// valueJSON encodes v with sensitive and unknown parts replaced by null,
// and returns alongside it the mask of what was sensitive.
func valueJSON(v cty.Value, sens sensitiveSet) (json.RawMessage, json.RawMessage) {
	if v == cty.NilVal || v.IsNull() {
		return json.RawMessage("null"), json.RawMessage("false")
	}
	clean, mask := scrub(v, nil, sens)
	data, err := codec.MarshalJSON(clean, clean.Type()) // ctyjson.Marshal's bytes, fewer allocations
	if err != nil {
		data = []byte("null")
	}
	maskData, _ := json.Marshal(mask)
	return data, maskData
}

// scrub replaces sensitive and unknown values with nulls, returning the
// sensitive mask in Terraform's shape (true, or an object/array of masks).
func scrub(v cty.Value, path cty.Path, sens sensitiveSet) (cty.Value, any) {
	unmarked, marks := v.Unmark()
	if len(marks) > 0 || sens.covers(path) {
		return cty.NullVal(unmarked.Type()), true
	}
	v = unmarked
	if !v.IsKnown() {
		return cty.NullVal(v.Type()), false
	}
	if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType() || v.Type().IsTupleType() || v.Type().IsListType()) {
		return v, false
	}
	return scrubCollection(v, path, sens)
}

func scrubCollection(v cty.Value, path cty.Path, sens sensitiveSet) (cty.Value, any) {
	ty := v.Type()
	if ty.IsObjectType() || ty.IsMapType() {
		vals, masks := map[string]cty.Value{}, map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			step := cty.PathStep(cty.GetAttrStep{Name: k.AsString()})
			if ty.IsMapType() {
				step = cty.IndexStep{Key: k}
			}
			vals[k.AsString()], masks[k.AsString()] = scrub(e, append(path.Copy(), step), sens)
		}
		if ty.IsMapType() {
			return cty.ObjectVal(vals), masks
		}
		return cty.ObjectVal(vals), masks
	}
	var vals []cty.Value
	var masks []any
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		sv, m := scrub(e, append(path.Copy(), cty.IndexStep{Key: k}), sens)
		vals, masks = append(vals, sv), append(masks, m)
	}
	if len(vals) == 0 {
		return cty.EmptyTupleVal, []any{}
	}
	return cty.TupleVal(vals), masks
}

// unknownJSON is Terraform's after_unknown: true where a value is known
// only after apply.
func unknownJSON(v cty.Value) json.RawMessage {
	data, _ := json.Marshal(unknownMask(v))
	return data
}

func unknownMask(v cty.Value) any {
	if v == cty.NilVal {
		return false
	}
	v, _ = v.Unmark()
	if !v.IsKnown() {
		return true
	}
	if v.IsNull() || !v.Type().IsObjectType() {
		return false
	}
	m := map[string]any{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		switch mask := unknownMask(e).(type) {
		case bool:
			if mask {
				m[k.AsString()] = true
			}
		case map[string]any:
			if len(mask) > 0 {
				m[k.AsString()] = mask
			}
		}
	}
	return m
}

func pathJSON(p cty.Path) []any {
	var out []any
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			out = append(out, s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				out = append(out, s.Key.AsString())
			} else {
				bf := s.Key.AsBigFloat()
				n, _ := bf.Int64()
				out = append(out, n)
			}
		}
	}
	return out
}
