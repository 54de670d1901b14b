// Package suggest holds the one rule of daftar's "Did you mean ...?"
// hints, for block types, attributes, references, commands, flags and
// addresses alike: the candidate closest to what was written, when it is
// within an edit distance below 3 (the rule HCL itself applies). It is a
// leaf: it imports nothing of daftar. Nothing in it runs concurrently.
package suggest

import (
	"sort"
	"strconv"

	"github.com/agext/levenshtein"
)

// Closest returns the candidate closest to given, or "" when none is
// within an edit distance below 3. Ties go to the candidate that sorts
// first, so messages are stable whatever the candidates' order.
func Closest(given string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestDist := "", 3
	for _, c := range sorted {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean returns ` Did you mean "X"?` (with a leading space, to end a
// sentence's detail) for the closest candidate, or "".
func DidYouMean(given string, candidates []string) string {
	if s := Closest(given, candidates); s != "" {
		return " Did you mean " + strconv.Quote(s) + "?"
	}
	return ""
}
