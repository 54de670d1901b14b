package planner

import (
	"sort"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
)

// didYouMean returns ` Did you mean "X"?` for the candidate closest to
// given (edit distance below 3, as HCL does), or "".
func didYouMean(given string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestDist := "", 3
	for _, c := range sorted {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return " Did you mean " + strconv.Quote(best) + "?"
}

// quoteList spells names as "a", "b" and "c".
func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
