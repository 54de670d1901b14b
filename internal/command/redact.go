package command

import (
	"regexp"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// Diagnostics print a snippet of the configuration, and a configuration may
// hold a NIK or a password as a literal. Before diagnostics reach the
// terminal (and the CI log), redact masks every run of 16 digits (a NIK,
// or a card number) as 3171********0123, and replaces the value of every
// sensitive variable, as given or by default, with (sensitive value).

// nikRun is a run of exactly 16 digits.
var nikRun = regexp.MustCompile(`(^|[^0-9])([0-9]{4})([0-9]{8})([0-9]{4})([^0-9]|$)`)

// minSecretLen is the shortest sensitive value redacted: shorter ones
// would mask ordinary words of the messages.
const minSecretLen = 6

func (m *Meta) redact(text []byte) []byte {
	s := nikRun.ReplaceAllString(string(text), "$1$2********$4$5")
	for _, secret := range m.sensitiveValues() {
		s = strings.ReplaceAll(s, secret, "(sensitive value)")
	}
	return []byte(s)
}

// sensitiveValues lists the string values of the sensitive variables,
// longest first so that a secret containing another is replaced whole.
func (m *Meta) sensitiveValues() []string {
	if m.Config == nil {
		return nil
	}
	var out []string
	for name, v := range m.Config.Variables {
		if !v.Sensitive {
			continue
		}
		if v.Default != cty.NilVal {
			out = appendStrings(out, v.Default)
		}
		if val, ok := m.Vars[name]; ok {
			out = appendStrings(out, val)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// appendStrings appends every known string of at least minSecretLen
// characters in v (in collections too).
func appendStrings(out []string, v cty.Value) []string {
	v, _ = v.UnmarkDeep()
	cty.Walk(v, func(_ cty.Path, e cty.Value) (bool, error) {
		if e.IsKnown() && !e.IsNull() && e.Type() == cty.String && len(e.AsString()) >= minSecretLen {
			out = append(out, e.AsString())
		}
		return true, nil
	})
	return out
}
