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
// first. Those without a place come first; the others by file, place,
// severity (errors first), summary, and the instance their detail names
// first (by key: numbers as numbers), a diagnostic naming none after those
// that do (the one that counts the others); equals in the order found.
func sortDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) < 2 {
		return diags
	}
	// Each diagnostic's instance is found once, not at every comparison:
	// a misspelt column in a batch of a million rows is a million
	// diagnostics.
	keys := make([]diagKey, len(diags))
	for i, d := range diags {
		keys[i] = diagKey{d: d, i: i}
		if d.Subject != nil {
			keys[i].res, keys[i].key, keys[i].num, keys[i].named = instanceOfDetail(d.Detail)
		}
	}
	slices.SortFunc(keys, func(x, y diagKey) int {
		a, b := x.d, y.d
		if a.Subject == nil || b.Subject == nil {
			if c := cmp.Compare(placed(a), placed(b)); c != 0 {
				return c
			}
			return cmp.Compare(x.i, y.i)
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
		if x.named != y.named {
			if x.named {
				return -1 // naming none after naming one
			}
			return 1
		}
		if c := cmp.Compare(x.res, y.res); c != 0 {
			return c
		}
		if x.num != nil && y.num != nil {
			if c := cmp.Compare(*x.num, *y.num); c != 0 {
				return c
			}
		} else if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	for i, k := range keys {
		diags[i] = k.d
	}
	return diags
}

// diagKey is what sortDiags orders a diagnostic by besides its place: the
// instance its detail names (named), by resource and key (num for an
// integer key), and where it was found (i).
type diagKey struct {
	d     *hcl.Diagnostic
	i     int
	named bool
	res   string
	key   string
	num   *int
}

// instanceNamed finds the first instance address with its key a
// diagnostic's detail names: usapi_account.person["ani"], x.y[3].
var instanceNamed = regexp.MustCompile(`\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\[("(?:[^"\\]|\\.)*"|[0-9]+)\]`)

// instanceOfDetail is the first instance address with its key a
// diagnostic's detail names: its resource and key, and the key's value
// when it is an integer; named is false when it names none.
func instanceOfDetail(detail string) (res, key string, num *int, named bool) {
	m := instanceNamed.FindStringSubmatch(detail)
	if m == nil {
		return "", "", nil, false
	}
	if n, err := strconv.Atoi(m[2]); err == nil {
		num = &n
	}
	return m[1], m[2], num, true
}

// placed is 1 for a diagnostic with a place in a file, 0 for one without.
func placed(d *hcl.Diagnostic) int {
	if d.Subject == nil {
		return 0
	}
	return 1
}
