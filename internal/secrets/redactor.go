package secrets

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Shown stands in every text daftar shows for a value it knows to be
// secret.
const Shown = "(sensitive value)"

// MinLen is the length of the shortest value a Redactor masks wherever it
// appears: shorter ones (a PIN, a short password) would mask ordinary words
// of the messages, and are masked only where they stand whole as a value
// (see wholeValues).
const MinLen = 6

// chunkLen is the length of the pieces a long secret (a file's base64) is
// indexed by: any 16 characters of it in a text are masked, so an API that
// echoes only part of an upload still shows nothing of it.
const chunkLen = 16

// longLen is the length above which a secret is indexed by chunks rather
// than matched whole.
const longLen = 64

// maxValues bounds how many values a Redactor keeps (about 32 MB of
// passwords). Values learned past it are still masked where they are used
// (Child), not in every other text.
const maxValues = 1 << 20

// Redactor masks, in any text daftar shows, every value it was told is
// secret (passwords, tokens, keys, NIKs, uploaded files), in the spellings
// an API or a file may give it (as is, JSON-escaped, URL-escaped, base64),
// and every NIK-shaped run of digits (16 or 17 digits, written together or
// with spaces or dashes). It is safe for concurrent use; values can be added
// while texts are redacted.
//
// A Redactor never holds a secret in a form written anywhere: it lives in
// memory for one command.
type Redactor struct {
	parent *Redactor

	mu sync.RWMutex
	// short maps the first MinLen bytes of every short value to the values
	// that start with them, longest first.
	short map[string][]string
	// chunks maps each aligned chunkLen-byte piece of a long value to where
	// it is.
	chunks map[string][]chunkRef
	longs  []string
	seen   map[string]struct{}
	// tiny holds the spellings of the values shorter than MinLen.
	tiny map[string]struct{}
	// first marks the first two bytes of every value and chunk: most
	// positions of a text are skipped on one table read.
	first *[1 << 16]bool
}

type chunkRef struct {
	long int // index in longs
	off  int
}

// NewRedactor returns a Redactor that knows no value yet and masks NIKs.
func NewRedactor() *Redactor {
	return &Redactor{short: map[string][]string{}, chunks: map[string][]chunkRef{}, seen: map[string]struct{}{}}
}

// Child returns a Redactor that masks its own values and then what r masks.
// Its values are forgotten with it: a change's uploaded files are masked in
// that change's errors without being kept for the whole run.
func (r *Redactor) Child() *Redactor {
	c := NewRedactor()
	c.parent = r
	return c
}

// Add records secret values, each with its escaped and encoded spellings.
// A value shorter than MinLen is masked only as a whole value (wholeValues).
func (r *Redactor) Add(values ...string) {
	for _, v := range values {
		if len(v) < MinLen {
			r.addTiny(v)
			continue
		}
		for _, s := range spellings(v) {
			r.add(s)
		}
	}
}

// spellings are the ways a value may appear in a text: as is, inside a
// JSON string, URL-escaped, and in base64.
func spellings(v string) []string {
	out := []string{v}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		s := strings.TrimSpace(b.String())
		out = append(out, s[1:len(s)-1])
	}
	out = append(out, url.QueryEscape(v), url.PathEscape(v))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		out = append(out, strings.TrimRight(enc.EncodeToString([]byte(v)), "="))
	}
	return out
}

// AddContent records the content of a file daftar uploads (a KTP photo, a
// consent form): every printable run of 8 bytes or more in it, and its
// base64, so that neither the content nor any 16 characters of its base64
// show in a text.
func (r *Redactor) AddContent(data []byte) {
	start := -1
	for i := 0; i <= len(data); i++ {
		if i < len(data) && data[i] >= 0x20 && data[i] < 0x7f {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 8 {
			r.add(string(data[start:i]))
		}
		start = -1
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		r.add(strings.TrimRight(enc.EncodeToString(data), "="))
	}
}

func (r *Redactor) add(s string) {
	if len(s) < MinLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.seen[s]; ok || len(r.seen) >= maxValues {
		return
	}
	r.seen[s] = struct{}{}
	if r.first == nil {
		r.first = new([1 << 16]bool)
	}
	if len(s) <= longLen {
		k := s[:MinLen]
		list := append(r.short[k], s)
		sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
		r.short[k] = list
		r.first[pair(s)] = true
		return
	}
	idx := len(r.longs)
	r.longs = append(r.longs, s)
	for off := 0; off+chunkLen <= len(s); off += chunkLen {
		c := s[off : off+chunkLen]
		r.chunks[c] = append(r.chunks[c], chunkRef{idx, off})
		r.first[pair(c)] = true
	}
}

func pair(s string) int { return int(s[0])<<8 | int(s[1]) }

// Redact returns text with every NIK-shaped run of digits masked
// (3171********0123) and every known value replaced by Shown.
func (r *Redactor) Redact(text string) string {
	text = MaskNIKs(text)
	for x := r; x != nil; x = x.parent {
		text = x.values(text)
		text = x.cutPrefixes(text)
		text = x.wholeValues(text)
	}
	return text
}

// cutPrefixes masks, before every cutMark (a text Body cut short), the
// start of a known value the cut left.
func (r *Redactor) cutPrefixes(text string) string {
	if !strings.Contains(text, cutMark) {
		return text
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var b strings.Builder
	rest := text
	for {
		i := strings.Index(rest, cutMark)
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i-r.prefixBefore(rest[:i])])
		if r.prefixBefore(rest[:i]) > 0 {
			b.WriteString(Shown)
		}
		b.WriteString(cutMark)
		rest = rest[i+len(cutMark):]
	}
}

// prefixBefore is the length of the longest end of text that starts a
// known value, 0 when none of MinLen bytes or more does.
func (r *Redactor) prefixBefore(text string) int {
	for k := min(len(text), longLen); k >= MinLen; k-- {
		tail := text[len(text)-k:]
		for _, s := range r.short[tail[:MinLen]] {
			if strings.HasPrefix(s, tail) {
				return k
			}
		}
		for _, s := range r.longs {
			if k >= chunkLen && strings.Contains(s, tail) {
				return k
			}
		}
	}
	return 0
}

// values replaces the values r knows.
func (r *Redactor) values(text string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.seen) == 0 {
		return text
	}
	var out []byte
	copied := 0 // text[:copied] is in out
	for i := 0; i+MinLen <= len(text); {
		if !r.first[pair(text[i:])] {
			i++
			continue
		}
		end, start := r.matchAt(text, i, copied)
		if end < 0 {
			i++
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(text))
		}
		out = append(out, text[copied:start]...)
		out = append(out, Shown...)
		copied, i = end, end
	}
	if out == nil {
		return text
	}
	return string(append(out, text[copied:]...))
}

// matchAt finds a value at text[i:]: it returns where the masked span
// starts and ends, or end -1. A long value's match may start before i, down
// to floor.
func (r *Redactor) matchAt(text string, i, floor int) (end, start int) {
	for _, s := range r.short[text[i:i+MinLen]] {
		if strings.HasPrefix(text[i:], s) {
			return i + len(s), i
		}
	}
	if i+chunkLen > len(text) {
		return -1, i
	}
	best, bestStart := -1, i
	for _, ref := range r.chunks[text[i:i+chunkLen]] {
		long := r.longs[ref.long]
		e := i + chunkLen
		for o := ref.off + chunkLen; e < len(text) && o < len(long) && text[e] == long[o]; e, o = e+1, o+1 {
		}
		s := i
		for o := ref.off - 1; s-1 >= floor && s-1 >= 0 && o >= 0 && text[s-1] == long[o]; s, o = s-1, o-1 {
		}
		if e > best {
			best, bestStart = e, s
		}
	}
	return best, bestStart
}

// RedactBytes is Redact for bytes.
func (r *Redactor) RedactBytes(b []byte) []byte {
	s := r.Redact(string(b))
	return []byte(s)
}

// addTiny records a value shorter than MinLen in the spellings it takes as
// a JSON string, in HCL and in a URL query or form.
func (r *Redactor) addTiny(v string) {
	if v == "" {
		return
	}
	sp := spellings(v)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tiny == nil {
		r.tiny = map[string]struct{}{}
	}
	for _, s := range sp[:5] { // as is, JSON-escaped, URL-escaped; not base64
		r.tiny[s] = struct{}{}
	}
}

// wholeValues masks the values shorter than MinLen where they stand whole
// as a value: a quoted string (also with escaped quotes, as in a JSON
// string quoting JSON) after ':', '=', '[', ',' or '(' and not followed by
// ':' (a JSON key), and an unquoted value after a key and '=' (a query or
// a form), up to '&', a space, a quote, ',', ';' or the end. Elsewhere, as
// part of a word or a sentence, they stay.
func (r *Redactor) wholeValues(text string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.tiny) == 0 {
		return text
	}
	var b strings.Builder
	copied := 0
	for i := 0; i < len(text); i++ {
		start, end, ok := r.wholeValueAt(text, i)
		if !ok {
			continue
		}
		b.WriteString(text[copied:start])
		b.WriteString(Shown)
		copied, i = end, end-1
	}
	if copied == 0 {
		return text
	}
	b.WriteString(text[copied:])
	return b.String()
}

// wholeValueAt reports whether a known short value stands whole as a value
// opened at text[i] (a quote or '='), and where it starts and ends.
func (r *Redactor) wholeValueAt(text string, i int) (start, end int, ok bool) {
	switch text[i] {
	case '"':
		quote := `"`
		before := i - 1
		if before >= 0 && text[before] == '\\' {
			quote, before = `\"`, before-1
		}
		if !valuePosition(text, before) {
			return 0, 0, false
		}
		start = i + 1
		n := strings.Index(text[start:], quote)
		if n < 0 || n > MinLen*6 { // a JSON-escaped short value is short
			return 0, 0, false
		}
		end = start + n
		if keyFollows(text, end+len(quote)) {
			return 0, 0, false
		}
	case '=':
		if i == 0 || !isKeyByte(text[i-1]) {
			return 0, 0, false
		}
		start, end = i+1, i+1
		for end < len(text) && !strings.ContainsRune("&\"' \t\r\n,;)", rune(text[end])) {
			end++
		}
	default:
		return 0, 0, false
	}
	_, known := r.tiny[text[start:end]]
	return start, end, known && end > start
}

// valuePosition reports whether the last non-blank byte of text[:j+1]
// introduces a value.
func valuePosition(text string, j int) bool {
	for j >= 0 && (text[j] == ' ' || text[j] == '\t') {
		j--
	}
	return j >= 0 && strings.IndexByte(":=[,(", text[j]) >= 0
}

// keyFollows reports whether the next non-blank byte from k is ':', which
// makes the quoted string before it a JSON key.
func keyFollows(text string, k int) bool {
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	return k < len(text) && text[k] == ':'
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == ']'
}
