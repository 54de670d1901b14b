package state

import (
	"bytes"
	"unicode/utf8"
)

// This file finds the elements of a snapshot's "resources" array without
// decoding them, so that they can be decoded concurrently (see decode.go).
// The scanner only tracks strings, escapes and nesting: it does not check
// that what it skips is valid JSON. That is left to the decoders that read
// every part it finds (the elements, and the document around the array), so
// that the document as a whole is accepted only if encoding/json would
// accept it. Whenever it finds something it does not expect, it says so and
// the caller falls back to decoding the whole document with encoding/json.

var resourcesKey = []byte("resources")

// span is a half-open range of bytes of a document.
type span struct{ start, end int }

// isSpace reports whether c is whitespace between JSON tokens.
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// skipSpace returns the index of the first byte at or after i that is not
// whitespace.
func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// skipString returns the index just after the string that starts with the
// quote at data[i], or -1 if the string does not end. The closing quote is
// the first one not escaped, i.e. not preceded by an odd number of
// backslashes; what is between the quotes is not checked. (bytes.IndexByte
// finds the next quote many bytes at a time: the scanner spends most of
// its time in strings.)
func skipString(data []byte, i int) int {
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
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				if i = skipString(data, i); i < 0 {
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

// findResources returns where the value of the top-level key "resources"
// is in data, and where its elements are. ok is false when data is not an
// object laid out as expected: no "resources" key, the key twice, a key
// that encoding/json might take for it, a value that is not an array, or
// something that is not JSON.
func findResources(data []byte) (array span, elems []span, ok bool) {
	found := false
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return span{}, nil, false
	}
	i = skipSpace(data, i+1)
	for {
		if i >= len(data) || data[i] != '"' {
			return span{}, nil, false
		}
		end := skipString(data, i)
		if end < 0 {
			return span{}, nil, false
		}
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return span{}, nil, false
		}
		i = skipSpace(data, i+1)
		switch {
		case string(key) == "resources":
			if found {
				return span{}, nil, false
			}
			found = true
			if elems, end, ok = splitArray(data, i); !ok {
				return span{}, nil, false
			}
			array = span{i, end}
		case !plainASCII(key) || bytes.EqualFold(key, resourcesKey):
			// encoding/json matches keys ignoring case, after
			// unescaping, and folds a few letters outside ASCII to
			// ASCII ones (the Kelvin sign to k): it might take this key
			// for "resources" too.
			return span{}, nil, false
		default:
			if end = skipValue(data, i); end < 0 {
				return span{}, nil, false
			}
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return span{}, nil, false
		}
		if data[i] == '}' {
			break
		}
		if data[i] != ',' {
			return span{}, nil, false
		}
		i = skipSpace(data, i+1)
	}
	if skipSpace(data, i+1) != len(data) {
		return span{}, nil, false
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
func splitArray(data []byte, i int) (elems []span, end int, ok bool) {
	if i >= len(data) || data[i] != '[' {
		return nil, 0, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return []span{}, i + 1, true
	}
	for {
		end := skipValue(data, i)
		if end < 0 || end == i {
			return nil, 0, false
		}
		elems = append(elems, span{i, end})
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, 0, false
		}
		if data[i] == ']' {
			return elems, i + 1, true
		}
		if data[i] != ',' {
			return nil, 0, false
		}
		i = skipSpace(data, i+1)
	}
}
