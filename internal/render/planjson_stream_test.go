package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// wholePlanJSON is how PlanJSON wrote the plan before it streamed: the
// whole document built, then encoded at once. PlanJSON must write the
// same bytes.
func wholePlanJSON(w io.Writer, p *plans.Plan) error {
	type jsonPlan struct {
		FormatVersion   string               `json:"format_version"`
		ResourceChanges []jsonResourceChange `json:"resource_changes"`
		OutputChanges   map[string]jsonValue `json:"output_changes"`
		Spends          []jsonSpend          `json:"spends"`
		Resolutions     []jsonResolution     `json:"resolutions"`
		Excluded        []jsonExclusion      `json:"excluded,omitempty"`
		Existing        []jsonExisting       `json:"existing"`
		Summary         jsonSummary          `json:"summary"`
		RefreshOnly     bool                 `json:"refresh_only"`
		Lineage         string               `json:"lineage"`
		Serial          uint64               `json:"serial"`
	}
	if err := p.Read(); err != nil {
		return err
	}
	out := jsonPlan{
		FormatVersion:   PlanFormatVersion,
		ResourceChanges: []jsonResourceChange{},
		OutputChanges:   map[string]jsonValue{},
		Spends:          []jsonSpend{},
		Resolutions:     []jsonResolution{},
		Existing:        []jsonExisting{},
		RefreshOnly:     p.RefreshOnly,
		Lineage:         p.Lineage,
		Serial:          p.Serial,
	}
	for _, c := range p.Changes {
		rc, err := jsonChangeOf(c)
		if err != nil {
			return err
		}
		out.ResourceChanges = append(out.ResourceChanges, rc)
	}
	for _, o := range p.Outputs {
		out.OutputChanges[o.Name] = jsonOutput(o)
	}
	for _, s := range p.Spends {
		js := jsonSpend{Provider: s.Provider, Unit: s.Unit, Count: s.Count}
		if s.Balance >= 0 {
			b := s.Balance
			js.Balance = &b
		}
		out.Spends = append(out.Spends, js)
	}
	for _, r := range p.Resolutions {
		out.Resolutions = append(out.Resolutions, jsonResolution{r.Addr.String(), r.Outcome, r.Message})
	}
	for _, e := range p.Excluded {
		out.Excluded = append(out.Excluded, jsonExclusion{e.Addr.String(), e.Reason})
	}
	for _, e := range p.Existing {
		out.Existing = append(out.Existing, jsonExisting{e.Addr.String(), e.ID, e.Message})
	}
	s := p.Summary()
	out.Summary = jsonSummary{s.Add, s.Change, s.Replace, s.Forget, s.Import}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// richPlan is samplePlan with a change of each remaining kind: in a
// module, moved, imported, waiting on others, deferred (its value still
// encoded, as a loaded plan file's no-op), and the plan's exclusions,
// existing records, HTML-like text and its lineage.
func richPlan(t *testing.T) *plans.Plan {
	p := samplePlan(t)
	obj := cty.ObjectVal(map[string]cty.Value{
		"username": cty.StringVal("citra"),
		"password": cty.StringVal("hmac-sha256:00ff"),
		"tags":     cty.ListVal([]cty.Value{cty.StringVal("a<b>&c")}),
		"labels":   cty.MapVal(map[string]cty.Value{"team": cty.StringVal("x")}),
	})
	pw := []cty.Path{cty.GetAttrPath("password")}
	data, err := ctyjson.Marshal(obj, obj.Type())
	if err != nil {
		t.Fatal(err)
	}
	deferred := &plans.Change{Addr: inst(t, `module.hire["ani"].usapi_account.kept`), Provider: "usapi", Sensitive: pw}
	deferred.Defer(codec.LazyJSON(data, obj.Type()))
	prev := inst(t, "usapi_account.before")
	moved := &plans.Change{Addr: inst(t, "usapi_account.after"), Provider: "usapi", Action: plans.NoOp, Before: obj, After: obj, Sensitive: pw}
	moved.SetPrevAddr(&prev)
	imported := &plans.Change{Addr: inst(t, "usapi_account.imported"), Provider: "usapi", Action: plans.NoOp, Before: obj, After: obj, Persist: true}
	imported.SetImporting("u-123")
	p.Changes = append(p.Changes,
		&plans.Change{Addr: inst(t, `module.hire["budi"].usapi_account.p`), Provider: "usapi", Action: plans.Create,
			Before: cty.NullVal(obj.Type()), After: obj, Sensitive: pw, Reason: "a <new> & fresh one",
			DependsOn: []addrs.Instance{inst(t, "usapi_account.same"), inst(t, `usapi_account.hire["ani"]`)}},
		moved, imported,
		deferred,
	)
	p.Outputs = append(p.Outputs,
		&plans.Output{Name: "count", Value: cty.NumberIntVal(7)},
		&plans.Output{Name: "marked", Value: cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x").Mark("sensitive"), "b": cty.StringVal("y")})},
	)
	p.Spends = append(p.Spends, plans.Spend{Provider: "usapi", Unit: "calls", Count: 3, Balance: -1})
	p.Excluded = []plans.Exclusion{{Addr: inst(t, `usapi_account.hire["dedi"]`), Reason: "row 4: email \"<none>\" is not valid"}}
	p.Existing = []plans.Existing{{Addr: inst(t, "proofylink_verification.check[2]"), ID: "EMP-1", Message: "already verified & done"}}
	p.RefreshOnly, p.Lineage, p.Serial = true, "5f0c-lineage", 42
	return p
}

// TestPlanJSONStreamsTheSameBytes compares the streamed document with the
// whole-document encoding, on an empty plan, the sample plan and a plan
// with every kind of change; and checks that streaming leaves a deferred
// change's value unread (not kept decoded in the plan).
func TestPlanJSONStreamsTheSameBytes(t *testing.T) {
	for name, mk := range map[string]func(*testing.T) *plans.Plan{
		"empty":  func(*testing.T) *plans.Plan { return &plans.Plan{} },
		"sample": samplePlan,
		"rich":   richPlan,
		"large":  func(t *testing.T) *plans.Plan { return largePlan(t, 1300) }, // batches encoded on every core, the last one partial
	} {
		t.Run(name, func(t *testing.T) {
			var got, want bytes.Buffer
			p := mk(t)
			if err := PlanJSON(&got, p); err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Changes {
				if c.Addr.String() == `module.hire["ani"].usapi_account.kept` && !c.Deferred() {
					t.Error("PlanJSON kept the deferred change's value decoded in the plan")
				}
			}
			if err := wholePlanJSON(&want, mk(t)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("streamed plan JSON differs from the whole document (-whole +streamed):\n%s", diff)
			}
			if !json.Valid(got.Bytes()) {
				t.Error("the streamed plan JSON is not valid JSON")
			}
		})
	}
}

// largePlan is richPlan with n more changes, no-ops deferred as a
// no-change plan's are and creates, each with its own values.
func largePlan(t testing.TB, n int) *plans.Plan {
	p := &plans.Plan{}
	if tt, ok := t.(*testing.T); ok {
		p = richPlan(tt)
	}
	pw := []cty.Path{cty.GetAttrPath("password")}
	for i := range n {
		obj := cty.ObjectVal(map[string]cty.Value{
			"username": cty.StringVal(fmt.Sprintf("p%07d", i)),
			"password": cty.StringVal("hmac-sha256:00ff"),
			"email":    cty.StringVal(fmt.Sprintf("p%07d@example.id", i)),
			"tags":     cty.ListVal([]cty.Value{cty.StringVal(fmt.Sprintf("t<%d>", i))}),
		})
		addr, err := addrs.ParseInstance(fmt.Sprintf("usapi_account.person[%q]", fmt.Sprintf("p%07d", i)))
		if err != nil {
			t.Fatal(err)
		}
		c := &plans.Change{Addr: addr, Provider: "usapi", Sensitive: pw}
		if i%10 == 3 {
			c.Action, c.Before, c.After = plans.Create, cty.NullVal(obj.Type()), obj
		} else {
			data, err := ctyjson.Marshal(obj, obj.Type())
			if err != nil {
				t.Fatal(err)
			}
			c.Defer(codec.LazyJSON(data, obj.Type()))
		}
		p.Changes = append(p.Changes, c)
	}
	return p
}

// BenchmarkPlanJSON writes the JSON plan of 10,000 changes, most of them
// deferred no-ops, as plan -json does for a batch.
func BenchmarkPlanJSON(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		p := largePlan(b, 10000)
		b.StartTimer()
		if err := PlanJSON(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPlanJSONReadError: a deferred value that does not decode is an
// error naming the instance, not a document with the value missing.
func TestPlanJSONReadError(t *testing.T) {
	c := &plans.Change{Addr: inst(t, "usapi_account.broken"), Provider: "usapi"}
	c.Defer(codec.LazyJSON([]byte(`{"username": 3`), cty.Object(map[string]cty.Type{"username": cty.String})))
	err := PlanJSON(io.Discard, &plans.Plan{Changes: []*plans.Change{c}})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("usapi_account.broken")) {
		t.Errorf("got %v, want an error naming usapi_account.broken", err)
	}
	// In a batch: what was written is every change before it, and the
	// error is the first broken change's.
	p := largePlan(t, 1000)
	p.Changes = append(p.Changes[:700:700], append([]*plans.Change{c, c}, p.Changes[700:]...)...)
	var got bytes.Buffer
	err = PlanJSON(&got, p)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("usapi_account.broken")) {
		t.Fatalf("got %v, want an error naming usapi_account.broken", err)
	}
	if n := bytes.Count(got.Bytes(), []byte(`"address": "`)); n != 700 {
		t.Errorf("%d changes written before the error, want 700", n)
	}
}
