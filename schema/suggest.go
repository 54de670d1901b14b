package schema

import (
	"sort"

	"github.com/agext/levenshtein"
)

// suggestion returns the candidate closest to given, or "" when none is
// within an edit distance below 3 (the rule HCL itself applies). Ties go to
// the candidate that sorts first, so messages are stable.
func suggestion(given string, candidates []string) string {
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

// didYouMean returns " Did you mean "X"?" for the closest candidate, or "".
func didYouMean(given string, candidates []string) string {
	if s := suggestion(given, candidates); s != "" {
		return " Did you mean \"" + s + "\"?"
	}
	return ""
}

// mapKeys lists the keys of a map, for suggestions.
func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
