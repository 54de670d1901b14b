package codec

// skipCompact checks the JSON value that starts at data[i] as
// compactValue does, when it is written compact already (no whitespace
// between its tokens: what daftar writes), and returns where it ends. ok
// is false when the value is not valid JSON, nests deeper than
// maxCompactDepth, or is not compact: compactIn then reads it as before.
// It is compactValue's check without its bookkeeping (the bytes counted,
// whitespace looked for before every token): a state's load checks every
// record's attributes so, about a gigabyte at a million rows.
func skipCompact(data []byte, i, depth int) (int, bool) {
	if i >= len(data) || depth > maxCompactDepth {
		return i, false
	}
	switch c := data[i]; {
	case c == '"':
		return skipCompactString(data, i)
	case c == '{':
		i++
		if i < len(data) && data[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(data) || data[i] != '"' {
				return i, false
			}
			var ok bool
			if i, ok = skipCompactString(data, i); !ok || i >= len(data) || data[i] != ':' {
				return i, false
			}
			if i, ok = skipCompact(data, i+1, depth+1); !ok || i >= len(data) {
				return i, false
			}
			switch data[i] {
			case ',':
				i++
			case '}':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '[':
		i++
		if i < len(data) && data[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = skipCompact(data, i, depth+1); !ok || i >= len(data) {
				return i, false
			}
			switch data[i] {
			case ',':
				i++
			case ']':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(data, i)
	case c == 't':
		return skipLiteral(data, i, "true")
	case c == 'f':
		return skipLiteral(data, i, "false")
	case c == 'n':
		return skipLiteral(data, i, "null")
	}
	return i, false
}

// skipCompactString checks the string that starts with the quote at
// data[i] and returns where it ends. As for encoding/json's checks, any
// byte from 0x20 up may appear in a string, and an escape is one of \"
// \\ \/ \b \f \n \r \t \uXXXX.
func skipCompactString(data []byte, i int) (int, bool) {
	for i++; i < len(data); i++ {
		if i += plainRun(data[i:]); i >= len(data) {
			break
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(data) {
				return i, false
			}
			if data[i] == 'u' {
				if i+4 >= len(data) || !isHex(data[i+1]) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) {
					return i, false
				}
				i += 4
			} else if _, ok := unescape(data[i]); !ok {
				return i, false
			}
		}
	}
	return i, false
}

// skipNumber checks the number at data[i] against JSON's grammar,
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and returns where it
// ends.
func skipNumber(data []byte, i int) (int, bool) {
	digits := func() bool { // one or more
		n := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return i > n
	}
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		digits()
	default:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !digits() {
			return i, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			return i, false
		}
	}
	return i, true
}

// skipLiteral checks that lit (true, false, null) is at data[i].
func skipLiteral(data []byte, i int, lit string) (int, bool) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}
