package secrets

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxBodyShown is how many bytes of an API's message daftar shows; the rest
// is cut, with its length said.
const MaxBodyShown = 300

// minEncodedRun is the length from which a run of base64 characters in an
// API's message is taken for encoded content (an echoed upload) and left
// out.
const minEncodedRun = 64

// Body returns an API's message (or any text an API sent) as daftar may
// show it: a binary one (not UTF-8, or holding control characters) is
// replaced by its length; runs of 64 base64 characters or more (encoded
// content an API echoed) by theirs; and what is left is cut after
// MaxBodyShown bytes. It does not know the secrets: Redactor masks those.
func Body(msg string) string {
	if binary(msg) {
		return fmt.Sprintf("(%d bytes of binary content, not shown)", len(msg))
	}
	msg = cutEncoded(msg)
	if len(msg) <= MaxBodyShown {
		return msg
	}
	cut := MaxBodyShown
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	// Cut after a word rather than inside one, so that a secret is either
	// whole before the cut (and masked where the text is shown) or gone;
	// Redactor masks what is left of one cut inside (cutMark).
	for back := cut; back > cut-32 && back > 0; back-- {
		if strings.ContainsRune(" \t\n,;:{}[]<>\"'", rune(msg[back-1])) {
			cut = back
			break
		}
	}
	return fmt.Sprintf("%s%s (%d more bytes not shown)", msg[:cut], cutMark, len(msg)-cut)
}

// cutMark follows a text Body cut short.
const cutMark = "…"

func binary(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return true
		}
	}
	return false
}

// cutEncoded replaces every run of minEncodedRun base64 characters or more
// that is not plain hexadecimal (a digest) by its length.
func cutEncoded(s string) string {
	var out []byte
	copied := 0
	for i := 0; i < len(s); {
		if !isBase64(s[i]) {
			i++
			continue
		}
		j, hex := i, true
		for j < len(s) && isBase64(s[j]) {
			hex = hex && isHex(s[j])
			j++
		}
		if j-i >= minEncodedRun && !hex {
			out = append(out, s[copied:i]...)
			out = fmt.Appendf(out, "(%d characters of encoded content, not shown)", j-i)
			copied = j
		}
		i = j
	}
	if out == nil {
		return s
	}
	return string(append(out, s[copied:]...))
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || isDigit(c) || c == '+' || c == '/' || c == '_' || c == '-'
}
