package command

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// A mistake in a block with count or for_each is found once per instance:
// the same error 62 times for one typo. groupDiags keeps the first of
// diagnostics that differ only in the instance they name, and says which
// instances (or how many) it stands for.

// instanceRef finds an instance address with its key: usapi_account.hire["ani"].
var instanceRef = regexp.MustCompile(`\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\[("(?:[^"\\]|\\.)*"|[0-9]+)\]`)

// rowOrigin finds the CSV line the planner says an instance comes from:
// " The instance comes from line 12 of people.csv."
var rowOrigin = regexp.MustCompile(`The instance comes from line ([0-9]+) of ([^\n]+?)\.(\s|$)`)

// maxNamed is how many instances (or CSV lines) a grouped diagnostic
// names.
const maxNamed = 5

func groupDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) < 2 {
		return diags
	}
	type group struct {
		first     *hcl.Diagnostic
		count     int
		instances []string
		seen      map[string]bool
		lines     []string // the CSV lines the instances come from
	}
	var order []string
	groups := map[string]*group{}
	for _, d := range diags {
		var refs []string
		norm := func(s string) string {
			return instanceRef.ReplaceAllStringFunc(s, func(m string) string {
				refs = append(refs, m)
				return instanceRef.ReplaceAllString(m, "$1[*]")
			})
		}
		var line string
		detail := rowOrigin.ReplaceAllStringFunc(norm(d.Detail), func(m string) string {
			sub := rowOrigin.FindStringSubmatch(m)
			line = sub[1]
			return "The instance comes from line * of " + sub[2] + "." + sub[3]
		})
		key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", d.Severity, norm(d.Summary), detail, rangeKey(d.Subject))
		g := groups[key]
		if g == nil {
			g = &group{first: d, seen: map[string]bool{}}
			groups[key] = g
			order = append(order, key)
		}
		g.count++
		if line != "" {
			g.lines = append(g.lines, line)
		}
		for _, r := range refs {
			if !g.seen[r] {
				g.seen[r] = true
				g.instances = append(g.instances, r)
			}
		}
	}
	if len(order) == len(diags) {
		return diags
	}
	out := make(hcl.Diagnostics, 0, len(order))
	for _, key := range order {
		g := groups[key]
		if g.count == 1 {
			out = append(out, g.first)
			continue
		}
		d := *g.first
		if len(g.lines) > 1 {
			d.Detail = rowOrigin.ReplaceAllStringFunc(d.Detail, func(m string) string {
				sub := rowOrigin.FindStringSubmatch(m)
				return "The instances come from lines " + namedLines(g.lines) + " of " + sub[2] + "." + sub[3]
			})
		}
		d.Detail = strings.TrimRight(d.Detail, "\n") + "\n\n" + sameFor(g.count, g.instances)
		out = append(out, &d)
	}
	return out
}

// sameFor says what a grouped diagnostic stands for.
func sameFor(count int, instances []string) string {
	if len(instances) < 2 {
		return fmt.Sprintf("The same problem was found %d times (once per instance of the block); it is shown once.", count)
	}
	named := instances
	more := ""
	if len(named) > maxNamed {
		named, more = named[:maxNamed], fmt.Sprintf(" and %d more", len(instances)-maxNamed)
	}
	return fmt.Sprintf("The same problem affects %d instances: %s%s; it is shown once.", len(instances), strings.Join(named, ", "), more)
}

// namedLines lists the first lines of a grouped diagnostic's rows, in the
// file's order (the planner finds them in parallel).
func namedLines(lines []string) string {
	slices.SortFunc(lines, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) // digits: the shorter, the smaller
	})
	if len(lines) > maxNamed {
		return strings.Join(lines[:maxNamed], ", ") + fmt.Sprintf(" and %d more", len(lines)-maxNamed)
	}
	return strings.Join(lines[:len(lines)-1], ", ") + " and " + lines[len(lines)-1]
}

func rangeKey(r *hcl.Range) string {
	if r == nil {
		return ""
	}
	return r.String()
}
