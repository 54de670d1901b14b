package validate

import (
	"fmt"
	"slices"
	"strings"
)

// OneOf checks that s is exactly one of allowed (case matters, as it does
// for the services).
func OneOf(s string, allowed ...string) error {
	if slices.Contains(allowed, s) {
		return nil
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Errorf("%q is not accepted: use one of %s (case matters)", s, strings.Join(quoted, ", "))
}
