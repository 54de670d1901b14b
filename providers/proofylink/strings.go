package proofylink

import "strings"

// equalFold compares names as people write them: case, surrounding spaces
// and repeated inner spaces ignored.
func equalFold(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
