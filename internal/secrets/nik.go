package secrets

import (
	"slices"
	"strings"
)

// MaskNIKs masks every NIK-shaped run of digits in text: 16 or 17 digits
// written together or in groups separated by one space or one dash
// ("3171 0155 0496 0001", "3171-0155-0496-0001"), 17 being a NIK typed with
// a digit too many. Within a longer run of groups, every stretch of groups
// that holds 16 or 17 digits is masked. The first and last four digits stay
// (3171********0001), as in the state. Digits inside a hexadecimal digest
// (32 hexadecimal characters or more) or a UUID are left alone.
func MaskNIKs(text string) string {
	var out strings.Builder
	copied := 0
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		groups, end := digitGroups(text, i)
		if i >= 2 && text[i-1] == '.' && isDigit(text[i-2]) {
			// The fraction of a decimal number (a float printed in
			// full, 1.9114000000000001), not a NIK.
			i = end
			continue
		}
		for _, m := range nikStretches(text, groups) {
			if m.start < copied {
				continue
			}
			if out.Len() == 0 && copied == 0 {
				out.Grow(len(text))
			}
			out.WriteString(text[copied:m.start])
			out.WriteString(maskDigits(text[m.start:m.end]))
			copied = m.end
		}
		i = end
	}
	if copied == 0 {
		return text
	}
	out.WriteString(text[copied:])
	return out.String()
}

type span struct{ start, end int }

// digitGroups reads the groups of digits from i, separated by one space or
// dash, and returns them and where the run ends.
func digitGroups(text string, i int) ([]span, int) {
	var groups []span
	for {
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		groups = append(groups, span{i, j})
		if j+1 < len(text) && (text[j] == ' ' || text[j] == '-') && isDigit(text[j+1]) {
			i = j + 1
			continue
		}
		return groups, j
	}
}

// nikStretches returns the stretches of consecutive groups holding 16 or
// 17 digits, left to right, not overlapping. A group that is part of an
// identifier (a hexadecimal digest, a UUID) belongs to it and joins no
// stretch: "sha256 8851620716625…" and a lock ID ending "-9163-000000001173"
// are not NIKs, and masking them breaks the identifier the user must type.
func nikStretches(text string, groups []span) []span {
	var out []span
	var ident []bool
	for s := 0; s < len(groups); {
		n, e := 0, s
		for ; e < len(groups) && n < 16; e++ {
			n += groups[e].end - groups[e].start
		}
		if n != 16 && n != 17 {
			s++
			continue
		}
		if ident == nil {
			ident = make([]bool, len(groups))
			for i, g := range groups {
				ident[i] = inHexDigest(text, g) || inUUID(text, g)
			}
		}
		if k := slices.Index(ident[s:e], true); k >= 0 {
			s += k + 1
			continue
		}
		out = append(out, span{groups[s].start, groups[e-1].end})
		s = e
	}
	return out
}

// inHexDigest reports whether the digits at g are part of a run of 32
// hexadecimal characters or more that has a letter: a digest, not a NIK.
func inHexDigest(text string, g span) bool {
	s, e := g.start, g.end
	for s > 0 && isHex(text[s-1]) {
		s--
	}
	for e < len(text) && isHex(text[e]) {
		e++
	}
	return e-s >= 32 && e-s > g.end-g.start
}

// inUUID reports whether the digits at g lie within a UUID
// (8-4-4-4-12 hexadecimal digits), such as a lock ID.
func inUUID(text string, g span) bool {
	const n = 36
	for st := max(0, g.end-n); st <= g.start && st+n <= len(text); st++ {
		if isUUID(text[st : st+n]) {
			return true
		}
	}
	return false
}

func isUUID(s string) bool {
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

func maskDigits(s string) string {
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			d = append(d, s[i])
		}
	}
	return string(d[:4]) + strings.Repeat("*", len(d)-8) + string(d[len(d)-4:])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
