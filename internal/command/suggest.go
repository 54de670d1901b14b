package command

import "github.com/agext/levenshtein"

// suggest returns the candidate closest to name when it is close enough to
// be a likely misspelling (edit distance below 3), or "".
func suggest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(name, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}
