package planner

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"

	"github.com/hashicorp/hcl/v2"
)

// sortDiags puts diagnostics in the order of the configuration they point
// at: the planner finds them on every core at once (the instances of a
// batch are checked in parallel), so the order it found them in changes
// from run to run, and with it which instance a grouped diagnostic names
// first. Those without a place come first, in the order found; the others
// by file, place, severity (errors first), summary, and the instance their
// detail names first (by key: numbers as numbers), a diagnostic naming none
// after those that do (the one that counts the others), each in the order
// found among its equals.
func sortDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int {
		switch {
		case a.Subject == nil || b.Subject == nil:
			return cmp.Compare(placed(a), placed(b))
		}
		if c := cmp.Compare(a.Subject.Filename, b.Subject.Filename); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Subject.Start.Byte, b.Subject.Start.Byte); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Subject.End.Byte, b.Subject.End.Byte); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Severity, b.Severity); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Summary, b.Summary); c != 0 {
			return c
		}
		return compareInstances(a.Detail, b.Detail)
	})
	return diags
}

// instanceNamed finds the first instance address with its key a
// diagnostic's detail names: usapi_account.person["ani"], x.y[3].
var instanceNamed = regexp.MustCompile(`\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\[("(?:[^"\\]|\\.)*"|[0-9]+)\]`)

// compareInstances orders two details by the instance each names first:
// by resource, then key (an integer key by its value), one naming none
// last.
func compareInstances(a, b string) int {
	ma, mb := instanceNamed.FindStringSubmatch(a), instanceNamed.FindStringSubmatch(b)
	switch {
	case ma == nil || mb == nil:
		return cmp.Compare(len(mb), len(ma)) // naming none (0) after naming one
	}
	if c := cmp.Compare(ma[1], mb[1]); c != 0 {
		return c
	}
	ia, errA := strconv.Atoi(ma[2])
	ib, errB := strconv.Atoi(mb[2])
	if errA == nil && errB == nil {
		return cmp.Compare(ia, ib)
	}
	return cmp.Compare(ma[2], mb[2])
}

// placed is 1 for a diagnostic with a place in a file, 0 for one without.
func placed(d *hcl.Diagnostic) int {
	if d.Subject == nil {
		return 0
	}
	return 1
}
