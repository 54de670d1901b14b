package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// Plan writes the human rendering of a plan, in Terraform's shape: one
// block per changing resource, the output changes, the interrupted applies
// the planner resolved, what the plan spends, and exactly one summary line
// at the end.
func Plan(w io.Writer, p *plans.Plan) {
	PlanLimited(w, p, 0)
}

// PlanLimited is Plan showing at most perResource change blocks of each
// resource (0: all), then a line that counts the rest by action: a batch of
// 100,000 creates reads as a sample and a count, not 100,000 blocks. The
// summary line still counts every change.
func PlanLimited(w io.Writer, p *plans.Plan, perResource int) {
	PlanLimitedFrom(w, p, p.Source(), perResource) // a plan's own changes read without error
}

// PlanFrom is Plan of the plan p with the changes src hands out (p's own
// Changes are not read): show PLANFILE prints a plan file's changes as it
// reads them. An error reading a change is returned after what was
// printed before it.
func PlanFrom(w io.Writer, p *plans.Plan, src plans.ChangeSource) error {
	return PlanLimitedFrom(w, p, src, 0)
}

// PlanLimitedFrom is PlanLimited of the plan p with the changes src hands
// out.
func PlanLimitedFrom(w io.Writer, p *plans.Plan, src plans.ChangeSource, perResource int) error {
	pw := &printer{w: w}
	counts, err := pw.changes(src, perResource)
	if err != nil {
		return err
	}
	pw.outputs(p.Outputs)
	pw.resolutions(p.Resolutions)
	pw.existing(p.Existing)
	pw.spends(p.Spends)
	if line := ExcludedLine(p); line != "" {
		pw.line(line)
	}
	for _, line := range FinishedLines(p) {
		pw.line("%s", line)
	}
	pw.line(summaryLine(p, counts))
	return nil
}

// FinishedLines say, per kind of record, how many a refresh found finished
// since the last run, by outcome: "57 verifications finished since the last
// run: 52 completed, 5 failed." Most frequent outcome first.
func FinishedLines(p *plans.Plan) []string {
	type group struct {
		total    int
		outcomes []plans.Finished
	}
	groups := map[string]*group{}
	var nouns []string
	for _, f := range p.Finished {
		g := groups[f.Noun]
		if g == nil {
			g = &group{}
			groups[f.Noun] = g
			nouns = append(nouns, f.Noun)
		}
		g.total += f.Count
		g.outcomes = append(g.outcomes, f)
	}
	var lines []string
	for _, noun := range nouns {
		g := groups[noun]
		sort.SliceStable(g.outcomes, func(i, j int) bool { return g.outcomes[i].Count > g.outcomes[j].Count })
		parts := make([]string, len(g.outcomes))
		for i, f := range g.outcomes {
			parts[i] = fmt.Sprintf("%d %s", f.Count, f.Outcome)
		}
		if g.total == 1 {
			noun = strings.TrimSuffix(noun, "s")
		}
		lines = append(lines, fmt.Sprintf("%d %s finished since the last run: %s.", g.total, noun, strings.Join(parts, ", ")))
	}
	return lines
}

// ExcludedLine counts the instances a plan left out as invalid
// (-exclude-invalid), naming the first few; "" when none. It goes right
// before the summary line, which stays last.
func ExcludedLine(p *plans.Plan) string {
	n := len(p.Excluded)
	if n == 0 {
		return ""
	}
	var names []string
	for _, e := range p.Excluded[:min(n, 5)] {
		names = append(names, e.Addr.String())
	}
	more := ""
	if n > 5 {
		more = fmt.Sprintf(" and %d more", n-5)
	}
	what := "instances"
	if n == 1 {
		what = "instance"
	}
	return fmt.Sprintf("%d %s excluded: invalid input (%s%s). See the warnings above.", n, what, strings.Join(names, ", "), more)
}

// changes prints the change blocks, at most perResource of each resource
// (changes come sorted by address, so a resource's changes are together),
// after a heading when there is one to print, and counts every change.
func (pw *printer) changes(src plans.ChangeSource, perResource int) (plans.Counts, error) {
	var counts plans.Counts
	headed := false
	heading := func() {
		if !headed {
			pw.line("daftar will perform the following actions:")
			pw.line("")
			headed = true
		}
	}
	var res string
	shown, reads := 0, 0
	var hidden plans.Summary
	flush := func() {
		if n := hidden.Add + hidden.Change + hidden.Replace + hidden.Forget + reads; n > 0 {
			line := fmt.Sprintf("  # ... and %d more changes of %s, not shown (plan -json, or show PLANFILE, lists them all): %d to add, %d to change, %d to replace, %d to forget",
				n, res, hidden.Add, hidden.Change, hidden.Replace, hidden.Forget)
			if reads > 0 {
				line += fmt.Sprintf(", %d to read", reads)
			}
			pw.line("%s", line)
			pw.line("")
		}
		shown, reads, hidden = 0, 0, plans.Summary{}
	}
	lr, _ := src.(plans.LazyRunner)
	for {
		if lr != nil {
			// A lazy block's changes that would only be counted are
			// counted without being made: its no-ops (not shown), and
			// its changes beyond the blocks shown of its resource.
			if l, left := lr.LazyRun(); l != nil {
				switch {
				case l.Action == plans.NoOp:
				case perResource > 0 && shown >= perResource && l.Resource.String() == res:
					heading()
					if l.Action == plans.Read {
						reads += left
					}
					countAction(&hidden, l.Action, left)
				default:
					left = 0
				}
				if left > 0 {
					counts.CountLazy(l.Action, left)
					lr.SkipLazy(left)
					continue
				}
			}
		}
		c, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			flush()
			return counts, err
		}
		counts.Count(c)
		if c.Action == plans.NoOp && c.PrevAddr() != nil {
			heading()
			pw.line("  # %s has moved to %s", c.PrevAddr(), c.Addr)
			pw.line("")
			continue
		}
		if c.Action == plans.NoOp && c.Importing() == "" {
			continue
		}
		heading()
		if r := c.Addr.Resource.String(); r != res {
			flush()
			res = r
		}
		if perResource > 0 && shown >= perResource {
			if c.Action == plans.Read {
				reads++
			}
			countAction(&hidden, c.Action, 1)
			continue
		}
		shown++
		pw.change(c)
	}
	flush()
	return counts, nil
}

// countAction counts k changes with action a in s.
func countAction(s *plans.Summary, a plans.Action, k int) {
	switch a {
	case plans.Create:
		s.Add += k
	case plans.Update:
		s.Change += k
	case plans.Replace:
		s.Replace += k
	case plans.Forget:
		s.Forget += k
	}
}

// SummaryLine is the plan's last line: the counts, or "No changes." when
// there are none.
func SummaryLine(p *plans.Plan) string {
	var counts plans.Counts
	for _, c := range p.Changes {
		counts.Count(c)
	}
	return summaryLine(p, counts)
}

// summaryLine is SummaryLine of the plan p whose changes were counted.
func summaryLine(p *plans.Plan, counts plans.Counts) string {
	if !counts.HasChanges(p) {
		if p.RefreshOnly {
			return "No changes. The state already matches the remote records."
		}
		if n := len(p.Existing); n > 0 {
			return fmt.Sprintf("No changes. %d not created: the remote already holds %s (see above).", n, plural(n, "its record", "their records"))
		}
		return "No changes. The remote records match the configuration."
	}
	s := counts.Summary
	if s.Import > 0 {
		// As Terraform: the import count leads, and only when there is one.
		return fmt.Sprintf("Plan: %d to import, %d to add, %d to change, %d to replace, %d to forget.", s.Import, s.Add, s.Change, s.Replace, s.Forget)
	}
	return fmt.Sprintf("Plan: %d to add, %d to change, %d to replace, %d to forget.", s.Add, s.Change, s.Replace, s.Forget)
}

// SpendLine says what a spend costs against its balance.
func SpendLine(s plans.Spend) string {
	if s.Balance < 0 {
		return fmt.Sprintf("This plan spends %d %s; the balance could not be read.", s.Count, s.Unit)
	}
	return fmt.Sprintf("This plan spends %d %s; the balance is %d.", s.Count, s.Unit, s.Balance)
}

type printer struct {
	w io.Writer
}

func (pw *printer) line(format string, args ...any) {
	if len(args) == 0 {
		io.WriteString(pw.w, format+"\n")
		return
	}
	fmt.Fprintf(pw.w, format+"\n", args...)
}

func (pw *printer) change(c *plans.Change) {
	pw.line("  # %s %s", c.Addr, headline(c))
	if id := c.Importing(); id != "" {
		pw.line("  # (imported from %q)", id)
	}
	if prev := c.PrevAddr(); prev != nil {
		pw.line("  # (moved from %s)", prev)
	}
	sens := sensitiveSet(c.Sensitive)
	keyword := "resource"
	if c.Addr.Resource.Mode == 'D' {
		keyword = "data"
	}
	pw.line("%s %s %q %q {", pad(c.Action.Symbol()), keyword, c.Addr.Resource.Type, c.Addr.Resource.Name)
	before, after, _ := c.Values() // an error leaves them cty.NilVal: no lines
	switch c.Action {
	case plans.Create, plans.Read:
		pw.objectLines(cty.NilVal, after, nil, sens, c.RequiresReplace, 6, '+')
	case plans.Forget:
		pw.objectLines(before, cty.NilVal, nil, sens, nil, 6, '-')
	default:
		pw.objectLines(before, after, nil, sens, c.RequiresReplace, 6, '~')
	}
	pw.line("    }")
	pw.line("")
}

// pad right-aligns an action symbol in the four columns before "resource".
func pad(symbol string) string {
	return fmt.Sprintf("%3s", symbol)
}

func headline(c *plans.Change) string {
	var h string
	switch c.Action {
	case plans.Create:
		h = "will be created"
	case plans.Update:
		h = "will be updated in place"
	case plans.Replace:
		h = "must be replaced: a new remote record is created and the old one is forgotten"
	case plans.Forget:
		h = "will be forgotten: the remote record stays, daftar stops tracking it"
	case plans.Read:
		h = "will be read during apply"
	case plans.NoOp:
		if c.Importing() != "" {
			h = "will be imported"
		}
	}
	if c.Spends > 0 {
		h += fmt.Sprintf(" (spends %d)", c.Spends)
	}
	if c.Reason != "" {
		h += "\n  # (" + c.Reason + ")"
	}
	return h
}

// objectLines prints the attributes of an object change. mode is '+' for
// all-new values, '-' for forgotten ones and '~' for a diff that shows only
// what changed.
func (pw *printer) objectLines(before, after cty.Value, path cty.Path, sens sensitiveSet, forces []cty.Path, indent int, mode byte) {
	names, width := attributeNames(before, after)
	unchanged := 0
	for _, name := range names {
		b, a := attr(before, name), attr(after, name)
		p := append(path.Copy(), cty.GetAttrStep{Name: name})
		if isBlock(b, a) {
			unchanged += pw.blockLines(name, b, a, p, sens, forces, indent, mode)
			continue
		}
		if !pw.attrLine(name, width, b, a, p, sens, forces, indent, mode) {
			unchanged++
		}
	}
	if unchanged > 0 {
		pw.line("%s# (%d unchanged attributes hidden)", strings.Repeat(" ", indent+2), unchanged)
	}
}

// attrLine prints one attribute and reports whether it printed anything.
func (pw *printer) attrLine(name string, width int, b, a cty.Value, p cty.Path, sens sensitiveSet, forces []cty.Path, indent int, mode byte) bool {
	prefix := strings.Repeat(" ", indent)
	label := fmt.Sprintf("%-*s", width, name)
	switch mode {
	case '+':
		if a.IsNull() {
			return true
		}
		pw.line("%s+ %s = %s%s", prefix, label, formatValue(a, p, sens), forceNote(p, forces))
	case '-':
		if b.IsNull() {
			return true
		}
		pw.line("%s- %s = %s", prefix, label, formatValue(b, p, sens))
	default:
		if b.RawEquals(a) {
			return false
		}
		pw.line("%s~ %s = %s -> %s%s", prefix, label, formatValue(b, p, sens), formatValue(a, p, sens), forceNote(p, forces))
	}
	return true
}

func (pw *printer) blockLines(name string, b, a cty.Value, p cty.Path, sens sensitiveSet, forces []cty.Path, indent int, mode byte) int {
	prefix := strings.Repeat(" ", indent)
	sym := byte(mode)
	switch {
	case mode == '~' && b.RawEquals(a):
		return 1
	case mode == '~' && b.IsNull():
		sym, b = '+', cty.NilVal
	case mode == '~' && a.IsNull():
		sym, a = '-', cty.NilVal
	case mode == '+' && a.IsNull(), mode == '-' && b.IsNull():
		return 0
	}
	pw.line("%s%c %s {%s", prefix, sym, name, forceNote(p, forces))
	pw.objectLines(b, a, p, sens, forces, indent+4, sym)
	pw.line("%s  }", prefix)
	return 0
}

func forceNote(p cty.Path, forces []cty.Path) string {
	for _, f := range forces {
		if f.Equals(p) {
			return " # forces replacement"
		}
	}
	return ""
}

// attr returns the named attribute of an object, or null when the object is
// null, unknown or absent (cty.NilVal).
func attr(obj cty.Value, name string) cty.Value {
	if obj == cty.NilVal || obj.IsNull() || !obj.IsKnown() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	obj, _ = obj.Unmark()
	if !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return obj.GetAttr(name)
}

// isBlock reports whether an attribute is a nested block: a known object.
func isBlock(b, a cty.Value) bool {
	for _, v := range []cty.Value{b, a} {
		if !v.IsNull() && v.IsKnown() && v.Type().IsObjectType() && !v.IsMarked() {
			return true
		}
	}
	return false
}

func attributeNames(vals ...cty.Value) ([]string, int) {
	seen := map[string]bool{}
	for _, v := range vals {
		if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
			continue
		}
		for name := range v.Type().AttributeTypes() {
			seen[name] = true
		}
	}
	names := make([]string, 0, len(seen))
	width := 0
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b, a := attr(vals[0], n), attr(vals[len(vals)-1], n)
		if !isBlock(b, a) && !(b.IsNull() && a.IsNull()) && len(n) > width {
			width = len(n)
		}
	}
	return names, width
}

func (pw *printer) outputs(outs []*plans.Output) {
	if len(outs) == 0 {
		return
	}
	var lines []string
	for _, o := range outs {
		v := formatValue(o.Value, nil, nil)
		if o.Sensitive {
			v = sensitiveValue
		}
		lines = append(lines, fmt.Sprintf("  %s = %s", o.Name, v))
	}
	pw.line("Outputs after apply:")
	for _, l := range lines {
		pw.line("%s", l)
	}
	pw.line("")
}

func (pw *printer) resolutions(rs []plans.Resolution) {
	if len(rs) == 0 {
		return
	}
	pw.line("Interrupted applies found in the state:")
	for _, r := range rs {
		pw.line("  %s: %s", r.Addr, r.Message)
	}
	pw.line("")
}

// existingShown is how many creates not made because the remote holds
// their records the human plan lists; plan -json lists them all.
const existingShown = 20

func (pw *printer) existing(es []plans.Existing) {
	if len(es) == 0 {
		return
	}
	pw.line("Already at the remote, not created (the warnings say how to adopt each record, or to create it again):")
	for i, e := range es {
		if i == existingShown {
			pw.line("  ... and %d more (plan -json lists them all)", len(es)-existingShown)
			break
		}
		pw.line("  %s: %s", e.Addr, e.Message)
	}
	pw.line("")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (pw *printer) spends(ss []plans.Spend) {
	for _, s := range ss {
		if s.Count > 0 {
			pw.line("%s", SpendLine(s))
		}
	}
}
