package render

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// TestPlanLimited: a large plan shows the first blocks of each resource
// and counts the rest; the summary line counts every change.
func TestPlanLimited(t *testing.T) {
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("u")})
	p := &plans.Plan{}
	add := func(addr string, action plans.Action) {
		c := &plans.Change{Addr: inst(t, addr), Action: action, Provider: "usapi", After: after, Before: after}
		if action == plans.Create {
			c.Before = cty.NullVal(after.Type())
		}
		if action == plans.Forget {
			c.After = cty.NullVal(after.Type())
		}
		p.Changes = append(p.Changes, c)
	}
	for i := range 25 {
		add(fmt.Sprintf(`usapi_account.hire["u%02d"]`, i), plans.Create)
	}
	add(`usapi_account.hire["zz"]`, plans.Forget)
	add("usapi_account.lead", plans.NoOp)
	for i := range 3 {
		add(fmt.Sprintf("usapi_account.team[%d]", i), plans.Create)
	}
	var out bytes.Buffer
	PlanLimited(&out, p, 10)
	got := out.String()
	if n := strings.Count(got, "will be created"); n != 13 {
		t.Errorf("%d create blocks, want 10 of hire and 3 of team:\n%s", n, got)
	}
	for _, want := range []string{
		`# usapi_account.hire["u09"] will be created`,
		"# ... and 16 more changes of usapi_account.hire, not shown (plan -json, or show PLANFILE, lists them all): 15 to add, 0 to change, 0 to replace, 1 to forget",
		"# usapi_account.team[2] will be created",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the rendering lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `hire["u10"]`) || strings.Count(got, "more changes") != 1 {
		t.Errorf("more than 10 blocks of hire, or a count for team:\n%s", got)
	}
	lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "Plan: 28 to add, 0 to change, 0 to replace, 1 to forget." {
		t.Errorf("last line %q", last)
	}
	var all bytes.Buffer
	Plan(&all, p)
	if strings.Count(all.String(), "will be created") != 28 || strings.Contains(all.String(), "more changes") {
		t.Errorf("Plan must show every change:\n%s", all.String())
	}
}

// TestPackedCreateShown: a batch's create keeps its planned value encoded
// in the plan (plans.Change.Pack); printed, it shows the same lines.
func TestPackedCreateShown(t *testing.T) {
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.UnknownVal(cty.String)})
	shown := func(pack bool) string {
		c := &plans.Change{Addr: inst(t, `usapi_account.hire["ani"]`), Action: plans.Create, Provider: "usapi",
			Before: cty.NullVal(after.Type()), After: after, Config: after}
		if pack && c.Pack(after.Type()) == nil {
			t.Fatal("the create was not packed")
		}
		var out bytes.Buffer
		PlanLimited(&out, &plans.Plan{Changes: []*plans.Change{c}}, 10)
		return out.String()
	}
	plain, packed := shown(false), shown(true)
	if !strings.Contains(plain, `"ani"`) || packed != plain {
		t.Errorf("packed create printed as\n%s\nwant\n%s", packed, plain)
	}
}

// TestPlanLimitedCountsLazyBlocks: a plan's lazy blocks (a batch's
// creates, a batch's refreshed no-ops: plans.Lazy) print as the same
// changes held in Changes print, and the renderer makes only the changes
// it shows: none of a block of no-ops, and of a block of creates the
// first blocks of its resource; the rest are counted. It fails if every
// lazy change is made to be counted (a step, its values and its record
// each, at a million outcomes), or if one skipped is not counted.
func TestPlanLimitedCountsLazyBlocks(t *testing.T) {
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("u")})
	change := func(addr string, action plans.Action) *plans.Change {
		c := &plans.Change{Addr: inst(t, addr), Action: action, Provider: "usapi", After: after, Before: after}
		switch action {
		case plans.Create:
			c.Before = cty.NullVal(after.Type())
		case plans.Forget:
			c.After = cty.NullVal(after.Type())
		}
		return c
	}
	var hire, outcome []*plans.Change
	for i := range 25 {
		hire = append(hire, change(fmt.Sprintf(`usapi_account.hire["u%02d"]`, i), plans.Create))
	}
	for i := range 40 {
		outcome = append(outcome, change(fmt.Sprintf(`usapi_account.outcome["o%02d"]`, i), plans.NoOp))
	}
	changes := []*plans.Change{change("usapi_account.alpha", plans.Create), change(`usapi_account.hire["zz"]`, plans.Forget),
		change("usapi_account.lead", plans.NoOp)}
	for i := range 3 {
		changes = append(changes, change(fmt.Sprintf("usapi_account.team[%d]", i), plans.Create))
	}
	eager := &plans.Plan{Changes: slices.Concat(changes[:1], hire, changes[1:3], outcome, changes[3:])}
	made := map[string]int{}
	block := func(at int, cs []*plans.Change) *plans.Lazy {
		r := cs[0].Addr.Resource
		return plans.NewLazy(at, len(cs), r, "usapi", cs[0].Action,
			func(i int) *plans.Change { made[r.String()]++; return cs[i] },
			func(int) *plans.Change { panic("taken") })
	}
	lazy := &plans.Plan{Changes: changes, Lazy: []*plans.Lazy{block(1, hire), block(3, outcome)}}
	for _, limit := range []int{0, 10, 30} {
		clear(made)
		var want, got bytes.Buffer
		PlanLimited(&want, eager, limit)
		PlanLimited(&got, lazy, limit)
		if got.String() != want.String() {
			t.Errorf("limit %d: the lazy plan prints\n%s\nthe same changes in Changes\n%s", limit, got.String(), want.String())
		}
		shown := min(limit, 25)
		if limit == 0 {
			shown = 25
		}
		if made["usapi_account.hire"] != shown || made["usapi_account.outcome"] != 0 {
			t.Errorf("limit %d: made %v, want the %d creates shown and no no-op", limit, made, shown)
		}
	}
	if !strings.Contains(func() string { var b bytes.Buffer; PlanLimited(&b, lazy, 10); return b.String() }(),
		"# ... and 16 more changes of usapi_account.hire, not shown (plan -json, or show PLANFILE, lists them all): 15 to add, 0 to change, 0 to replace, 1 to forget") {
		t.Error("the creates not shown and the forget after them are not counted together")
	}
}
