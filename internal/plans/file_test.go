package plans

import (
	"bytes"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	a, _ := addrs.ParseInstance(`usapi_account.hire["ani"]`)
	after := cty.ObjectVal(map[string]cty.Value{
		"username": cty.StringVal("ani"),
		"id":       cty.UnknownVal(cty.String),
		"password": cty.StringVal("hmac-sha256:ab").Mark("sensitive"),
	})
	p := &Plan{
		Lineage: "l", Serial: 7, InputDigest: "hmac-sha256:cd",
		Options: Options{Targets: []string{"usapi_account.hire"}, Refresh: true},
		Changes: []*Change{{Addr: a, Provider: "usapi", Action: Create, Before: cty.NullVal(after.Type()), After: after,
			Sensitive: []cty.Path{cty.GetAttrPath("password")}, RequiresReplace: []cty.Path{cty.GetAttrPath("username").Index(cty.NumberIntVal(0))},
			ConfigDigest: "hmac-sha256:ef", Spends: 1,
			Deps:      []addrs.Resource{{Mode: addrs.Managed, Type: "usapi_account", Name: "p"}, {Mode: addrs.Managed, Type: "usapi_account", Name: "q"}},
			DependsOn: []addrs.Instance{mustInstance(t, `usapi_account.p["ani"]`), mustInstance(t, `usapi_account.q`)}}},
		Outputs:     []*Output{{Name: "o", Value: cty.StringVal("v")}, {Name: "s", Value: cty.StringVal("secret"), Sensitive: true}},
		Spends:      []Spend{{Provider: "proofylink", Unit: "Proofylink tokens", Count: 1, Balance: 3}},
		Resolutions: []Resolution{{Addr: a, Outcome: "adopted", Message: "m"}},
		Excluded:    []Exclusion{{Addr: a, Reason: "main.hcl:3: Invalid NIK (line 2 of people.csv)"}},
		Existing:    []Existing{{Addr: a, ID: "EMP-1", Message: "already verified as EMP-1"}},
	}
	var buf bytes.Buffer
	if err := Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "secret") {
		t.Fatal("a sensitive output value was saved")
	}
	got, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Changes[0]
	if c.Addr != a || c.Action != Create || c.ConfigDigest != "hmac-sha256:ef" || c.Spends != 1 {
		t.Fatalf("change not restored: %+v", c)
	}
	if c.After.GetAttr("id").IsKnown() || !c.After.GetAttr("username").RawEquals(cty.StringVal("ani")) {
		t.Fatalf("after not restored: %#v", c.After)
	}
	if len(c.DependsOn) != 2 || c.DependsOn[0].String() != `usapi_account.p["ani"]` || c.DependsOn[1].String() != "usapi_account.q" {
		t.Fatalf("depends_on not restored: %v", c.DependsOn)
	}
	if !c.Sensitive[0].Equals(cty.GetAttrPath("password")) || !c.RequiresReplace[0].Equals(cty.GetAttrPath("username").Index(cty.NumberIntVal(0))) {
		t.Fatal("paths not restored")
	}
	if got.Serial != 7 || got.Lineage != "l" || got.Options.Targets[0] != "usapi_account.hire" || got.Spends[0].Balance != 3 {
		t.Fatalf("plan fields not restored: %+v", got)
	}
	if len(got.Excluded) != 1 || got.Excluded[0].Addr != a || got.Excluded[0].Reason != p.Excluded[0].Reason {
		t.Fatalf("exclusions not restored: %+v", got.Excluded)
	}
	if got.Outputs[1].Value.IsKnown() || got.Resolutions[0].Message != "m" || len(got.Existing) != 1 || got.Existing[0] != p.Existing[0] {
		t.Fatal("outputs or resolutions not restored")
	}
}

func TestLoadRefusesOtherFiles(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     "hello",
		"other format": `{"format":"daftar-plan/9"}`,
	} {
		if _, err := Load(strings.NewReader(in)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestSaveRefusesErroredPlan(t *testing.T) {
	if err := Save(&bytes.Buffer{}, &Plan{Errored: true}); err == nil {
		t.Fatal("saved a plan with errors")
	}
}

// TestSaveLoadNoOps: a no-op's value is written once, each type once, and
// a loaded no-op's values are decoded only when read; a deferred change is
// read before it is saved.
func TestSaveLoadNoOps(t *testing.T) {
	value := func(name string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal(name), "id": cty.StringVal("id-" + name)})
	}
	p := &Plan{Lineage: "l"}
	for i, name := range []string{"ani", "budi", "cici"} {
		a, _ := addrs.ParseInstance(`usapi_account.hire["` + name + `"]`)
		c := &Change{Addr: a, Provider: "usapi", Action: NoOp, Before: value(name), After: value(name)}
		if i == 2 {
			attrs, err := ctyjson.Marshal(value(name), value(name).Type())
			if err != nil {
				t.Fatal(err)
			}
			c.Defer(codec.LazyJSON(attrs, value(name).Type()))
		}
		p.Changes = append(p.Changes, c)
	}
	var buf bytes.Buffer
	if err := Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `"username"`); n != 1 {
		t.Errorf("the object type is written %d times, want once:\n%s", n, buf.String())
	}
	if n := strings.Count(buf.String(), `"after_is_before":true`); n != 3 {
		t.Errorf("%d no-ops saved with after_is_before, want 3:\n%s", n, buf.String())
	}
	got, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Changes {
		if !c.Deferred() || c.Before != cty.NilVal {
			t.Fatalf("%s: loaded with its values decoded", c.Addr)
		}
	}
	if err := got.Read(); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"ani", "budi", "cici"} {
		c := got.Changes[i]
		if !c.Before.RawEquals(value(name)) || !c.After.RawEquals(value(name)) {
			t.Errorf("%s: before %#v, after %#v; want %#v", c.Addr, c.Before, c.After, value(name))
		}
	}
}

func mustInstance(t *testing.T, s string) addrs.Instance {
	t.Helper()
	i, err := addrs.ParseInstance(s)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// TestLoadRefusesEarlierFormats: a plan file of an earlier version (one
// JSON document) is refused with a sentence that says to plan again.
func TestLoadRefusesEarlierFormats(t *testing.T) {
	in := `{"format":"daftar-plan/3","lineage":"l","serial":1,"input_digest":"d","options":{"refresh":true},"types":["string"],` +
		`"changes":[{"address":"usapi_account.x","provider":"usapi","action":"forget","deps":["usapi_account.p"]}]` + "\n}\n"
	_, err := Load(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), `"daftar-plan/3"`) || !strings.Contains(err.Error(), "make the plan again") {
		t.Fatalf("got %v, want a refusal naming the format and saying to plan again", err)
	}
}

// TestPackRoundTrip: a packed create gives back its values and
// configuration (Values, ReadDeferred) and is saved as if it had never
// been packed.
func TestPackRoundTrip(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "id": cty.String})
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.UnknownVal(cty.String)})
	config := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.NullVal(cty.String)})
	addr, err := addrs.ParseInstance(`usapi_account.hire["ani"]`)
	if err != nil {
		t.Fatal(err)
	}
	c := &Change{Addr: addr, Action: Create, Provider: "usapi", Before: cty.NullVal(ty), After: after, Config: config}
	if c.Pack(ty) == nil || !c.Deferred() || c.After != cty.NilVal || c.Config != cty.NilVal {
		t.Fatalf("not packed: deferred %v, after %#v, config %#v", c.Deferred(), c.After, c.Config)
	}
	before, got, err := c.Values()
	if err != nil || !before.RawEquals(cty.NullVal(ty)) || !got.RawEquals(after) {
		t.Fatalf("Values: %#v, %#v, %v", before, got, err)
	}
	if err := c.ReadDeferred(); err != nil || c.Deferred() || !c.After.RawEquals(after) || !c.Config.RawEquals(config) {
		t.Fatalf("ReadDeferred: %v, after %#v, config %#v", err, c.After, c.Config)
	}
	other := &Change{Addr: addr, Action: Create, Provider: "usapi", Before: cty.NullVal(ty), After: after, Config: config}
	if other.Pack(cty.Object(map[string]cty.Type{"username": cty.String})) != nil || other.Deferred() {
		t.Fatal("a value of another type must stay as it is")
	}
}

// A batch's create waits packed in the plan (Pack); a saved plan must hold
// its configuration as an unpacked one does, or apply PLANFILE cannot apply
// it as reviewed once a non-secret input changed.
func TestSavePackedCreateKeepsItsConfig(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "email": cty.String, "id": cty.String})
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "id": cty.UnknownVal(cty.String)})
	config := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "id": cty.NullVal(cty.String)})
	c := &Change{Addr: mustInstance(t, `usapi_account.hire["ani"]`), Action: Create, Provider: "usapi", Before: cty.NullVal(ty), After: after, Config: config}
	if c.Pack(ty) == nil {
		t.Fatal("not packed")
	}
	var buf bytes.Buffer
	if err := Save(&buf, &Plan{Lineage: "l", Changes: []*Change{c}}); err != nil {
		t.Fatal(err)
	}
	if !c.Deferred() {
		t.Fatal("saving unpacked the change it wrote")
	}
	got, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Read(); err != nil {
		t.Fatal(err)
	}
	if g := got.Changes[0]; !g.Config.RawEquals(config) || !g.After.RawEquals(after) {
		t.Fatalf("loaded config %#v, after %#v; want %#v, %#v", g.Config, g.After, config, after)
	}
}

// A Reader with PackCreates hands out a create with its values encoded,
// which read back (ConfigValue, Values, ReadDeferred) as a Reader without
// it decodes them, sensitive paths unknown; and a change of any other
// action as before.
func TestReaderPackCreates(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "password": cty.String, "id": cty.String})
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "password": cty.StringVal("s3cret"), "id": cty.UnknownVal(cty.String)})
	config := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "password": cty.StringVal("s3cret"), "id": cty.NullVal(cty.String)})
	prior := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("budi"), "password": cty.StringVal("old"), "id": cty.StringVal("b")})
	sensitive := []cty.Path{cty.GetAttrPath("password")}
	p := &Plan{Lineage: "l", Changes: []*Change{
		{Addr: mustInstance(t, `usapi_account.hire["ani"]`), Action: Create, Provider: "usapi", Before: cty.NullVal(ty), After: after, Config: config, Sensitive: sensitive},
		{Addr: mustInstance(t, `usapi_account.hire["budi"]`), Action: Update, Provider: "usapi", Before: prior, After: prior, Config: config, Sensitive: sensitive},
	}}
	var buf bytes.Buffer
	if err := Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	want, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	rd.PackCreates = true
	got, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	create, update := got.Changes[0], got.Changes[1]
	if !create.Deferred() || create.After != cty.NilVal || create.Config != cty.NilVal {
		t.Fatalf("the create was decoded: %#v", create)
	}
	if update.Deferred() || !update.Before.RawEquals(want.Changes[1].Before) || !update.Config.RawEquals(want.Changes[1].Config) {
		t.Fatalf("the update was not read as before: %#v", update)
	}
	w := want.Changes[0]
	if cfg, err := create.ConfigValue(); err != nil || !cfg.RawEquals(w.Config) || cfg.GetAttr("password").IsKnown() {
		t.Fatalf("ConfigValue: %#v, %v; want %#v (the password unknown)", cfg, err, w.Config)
	}
	if b, a, err := create.Values(); err != nil || !b.RawEquals(w.Before) || !a.RawEquals(w.After) {
		t.Fatalf("Values: %#v, %#v, %v", b, a, err)
	}
	if err := create.ReadDeferred(); err != nil || create.Deferred() || !create.Before.RawEquals(w.Before) || !create.After.RawEquals(w.After) || !create.Config.RawEquals(w.Config) {
		t.Fatalf("ReadDeferred: %v: %#v", err, create)
	}
}

// TestSaveLoadMoveAndImport checks the fields few changes set (kept
// apart from the change, changeRare): the address a moved instance had
// and the id an import adopts survive a saved plan and are counted,
// each on its own change only, and a change with neither holds no
// changeRare.
func TestSaveLoadMoveAndImport(t *testing.T) {
	obj := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani")})
	prev := mustInstance(t, `usapi_account.old["ani"]`)
	moved := &Change{Addr: mustInstance(t, `usapi_account.hire["ani"]`), Provider: "usapi", Action: NoOp, Before: obj, After: obj}
	moved.SetPrevAddr(&prev)
	imported := &Change{Addr: mustInstance(t, `usapi_account.hire["budi"]`), Provider: "usapi", Action: NoOp, Before: obj, After: obj, Persist: true}
	imported.SetImporting("u-123")
	plain := &Change{Addr: mustInstance(t, `usapi_account.hire["citra"]`), Provider: "usapi", Action: NoOp, Before: obj, After: obj}
	plain.SetImporting("")
	plain.SetPrevAddr(nil)
	if plain.rare != nil {
		t.Fatal("a change with neither a move nor an import holds a changeRare")
	}
	var buf bytes.Buffer
	if err := Save(&buf, &Plan{Lineage: "l", Changes: []*Change{moved, imported, plain}}); err != nil {
		t.Fatal(err)
	}
	got, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []*Change{moved, imported, plain, got.Changes[0], got.Changes[1], got.Changes[2]} {
		wantPrev, wantID := "", ""
		switch i % 3 {
		case 0:
			wantPrev = `usapi_account.old["ani"]`
		case 1:
			wantID = "u-123"
		}
		gotPrev := ""
		if p := c.PrevAddr(); p != nil {
			gotPrev = p.String()
		}
		if gotPrev != wantPrev || c.Importing() != wantID {
			t.Fatalf("change %d (%s): moved from %q, importing %q; want %q, %q", i, c.Addr, gotPrev, c.Importing(), wantPrev, wantID)
		}
	}
	var n Counts
	for _, c := range got.Changes {
		n.Count(c)
	}
	if n.Moves != 1 || n.Import != 1 {
		t.Fatalf("counted %d moves and %d imports, want 1 and 1", n.Moves, n.Import)
	}
}
