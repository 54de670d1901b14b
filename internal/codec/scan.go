package codec

import (
	"bytes"
	"unicode/utf8"
)

// This file finds the elements of a document's top-level array (a state
// snapshot's "resources") without decoding them, so that they can be
// decoded concurrently.
// The scanner only tracks strings, escapes and nesting: it does not check
// that what it skips is valid JSON. That is left to the decoders that read
// every part it finds (the elements, and the document around the array), so
// that the document as a whole is accepted only if encoding/json would
// accept it. Whenever it finds something it does not expect, it says so and
// the caller falls back to decoding the whole document with encoding/json.

// Span is a half-open range of bytes of a document.
type Span struct{ Start, End int }

// isSpace reports whether c is whitespace between JSON tokens.
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// SkipSpace returns the index of the first byte at or after i that is not
// whitespace.
func SkipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// SkipString returns the index just after the string that starts with the
// quote at data[i], or -1 if the string does not end. The closing quote is
// the first one not escaped, i.e. not preceded by an odd number of
// backslashes; what is between the quotes is not checked. (bytes.IndexByte
// finds the next quote many bytes at a time: the scanner spends most of
// its time in strings.)
func SkipString(data []byte, i int) int {
	for i++; ; {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return -1
		}
		end := i + q
		backslashes := 0
		for j := end - 1; j >= i && data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return end + 1
		}
		i = end + 1
	}
}

// skipValue returns the index just after the value that starts at data[i],
// or -1 if it does not end. Objects and arrays are skipped by counting
// brackets and braces outside strings; any other value runs until the next
// delimiter or whitespace.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return SkipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				if i = SkipString(data, i); i < 0 {
					return -1
				}
				i-- // the loop steps over the closing quote
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	for ; i < len(data); i++ {
		switch c := data[i]; {
		case c == ',' || c == '}' || c == ']' || isSpace(c):
			return i
		}
	}
	return i
}

// FindArray returns where the value of the top-level key name (plain
// ASCII, such as "resources") is in data, and where its elements are. ok is
// false when data is not an object laid out as expected: no such key, the
// key twice, a key that encoding/json might take for it, a value that is
// not an array, or something that is not JSON.
func FindArray(data []byte, name string) (array Span, elems []Span, ok bool) {
	found := false
	i := SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return Span{}, nil, false
	}
	i = SkipSpace(data, i+1)
	for {
		if i >= len(data) || data[i] != '"' {
			return Span{}, nil, false
		}
		end := SkipString(data, i)
		if end < 0 {
			return Span{}, nil, false
		}
		key := data[i+1 : end-1]
		i = SkipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return Span{}, nil, false
		}
		i = SkipSpace(data, i+1)
		switch {
		case string(key) == name:
			if found {
				return Span{}, nil, false
			}
			found = true
			if elems, end, ok = splitArray(data, i); !ok {
				return Span{}, nil, false
			}
			array = Span{i, end}
		case !plainASCII(key) || bytes.EqualFold(key, []byte(name)):
			// encoding/json matches keys ignoring case, after
			// unescaping, and folds a few letters outside ASCII to
			// ASCII ones (the Kelvin sign to k): it might take this key
			// for "resources" too.
			return Span{}, nil, false
		default:
			if end = skipValue(data, i); end < 0 {
				return Span{}, nil, false
			}
		}
		i = SkipSpace(data, end)
		if i >= len(data) {
			return Span{}, nil, false
		}
		if data[i] == '}' {
			break
		}
		if data[i] != ',' {
			return Span{}, nil, false
		}
		i = SkipSpace(data, i+1)
	}
	if SkipSpace(data, i+1) != len(data) {
		return Span{}, nil, false
	}
	return array, elems, found
}

// plainASCII reports whether key (still escaped, as in the document) has
// neither an escape nor a byte outside ASCII.
func plainASCII(key []byte) bool {
	for _, c := range key {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// splitArray returns the elements of the JSON array that starts at
// data[i], and the index just after it. ok is false when it is not an
// array of values separated by commas.
func splitArray(data []byte, i int) (elems []Span, end int, ok bool) {
	if i >= len(data) || data[i] != '[' {
		return nil, 0, false
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return []Span{}, i + 1, true
	}
	for {
		end := skipValue(data, i)
		if end < 0 || end == i {
			return nil, 0, false
		}
		elems = append(elems, Span{i, end})
		i = SkipSpace(data, end)
		if i >= len(data) {
			return nil, 0, false
		}
		if data[i] == ']' {
			return elems, i + 1, true
		}
		if data[i] != ',' {
			return nil, 0, false
		}
		i = SkipSpace(data, i+1)
	}
}

// SkipValue returns the index just after the JSON value that starts at
// data[i] (skipValue), or -1 if it does not end.
func SkipValue(data []byte, i int) int { return skipValue(data, i) }
