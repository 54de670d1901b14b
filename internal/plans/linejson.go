package plans

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// appendFileChange appends json.Marshal's encoding of fc: the same bytes,
// written field by field instead of through reflection (a saved plan of
// 100,000 creates writes 100,000 of them). ok is false where it does not
// write what Marshal would (a path step other than an attribute name or a
// whole number), and the caller marshals.
func appendFileChange(b []byte, fc *fileChange) (_ []byte, ok bool) {
	b = append(b, `{"address":`...)
	b = appendJSONString(b, fc.Addr)
	b = append(b, `,"provider":`...)
	b = appendJSONString(b, fc.Provider)
	b = append(b, `,"action":`...)
	b = appendJSONString(b, fc.Action)
	for _, v := range [...]struct {
		key string
		fv  *fileValue
	}{{`,"before":`, fc.Before}, {`,"after":`, fc.After}, {`,"config":`, fc.Config}} {
		if v.fv != nil {
			b = append(b, v.key...)
			b = append(b, `{"type":`...)
			b = strconv.AppendInt(b, int64(v.fv.Type), 10)
			b = append(b, `,"msgpack":`...)
			if v.fv.Value == nil {
				b = append(b, "null"...)
			} else {
				b = append(b, '"')
				b = base64.StdEncoding.AppendEncode(b, v.fv.Value)
				b = append(b, '"')
			}
			b = append(b, '}')
		}
	}
	if fc.AfterIsBefore {
		b = append(b, `,"after_is_before":true`...)
	}
	if b, ok = appendPaths(b, `,"sensitive":`, fc.SensitivePaths); !ok {
		return b, false
	}
	if b, ok = appendPaths(b, `,"requires_replace":`, fc.RequiresReplace); !ok {
		return b, false
	}
	b = appendStringField(b, `,"reason":`, fc.Reason)
	if fc.Spends != 0 {
		b = strconv.AppendInt(append(b, `,"spends":`...), int64(fc.Spends), 10)
	}
	b = appendStringField(b, `,"config_digest":`, fc.ConfigDigest)
	b = appendStrings(b, `,"deps":`, fc.Deps)
	b = appendStrings(b, `,"depends_on":`, fc.DependsOn)
	b = appendStringField(b, `,"importing":`, fc.Importing)
	b = appendStringField(b, `,"previous_address":`, fc.PrevAddr)
	if fc.Persist {
		b = append(b, `,"persist":true`...)
	}
	return append(b, '}'), true
}

// appendStringField appends key and s, unless s is empty (omitempty).
func appendStringField(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

// appendStrings appends key and ss as a JSON array, unless ss is empty.
func appendStrings(b []byte, key string, ss []string) []byte {
	if len(ss) == 0 {
		return b
	}
	b = append(append(b, key...), '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendPaths appends key and paths (EncodePath's), unless empty; ok is
// false for a step other than a name or an int64.
func appendPaths(b []byte, key string, paths [][]any) ([]byte, bool) {
	if len(paths) == 0 {
		return b, true
	}
	b = append(append(b, key...), '[')
	for i, p := range paths {
		if i > 0 {
			b = append(b, ',')
		}
		if p == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for j, step := range p {
			if j > 0 {
				b = append(b, ',')
			}
			switch s := step.(type) {
			case string:
				b = appendJSONString(b, s)
			case int64:
				b = strconv.AppendInt(b, s, 10)
			default:
				return b, false
			}
		}
		b = append(b, ']')
	}
	return append(b, ']'), true
}

// appendJSONString appends s as json.Marshal writes it: quoted, quotes
// and backslashes escaped with a backslash (an address's key is quoted),
// and by Marshal itself when s holds anything else it escapes (control
// characters, <, > and &, invalid UTF-8, U+2028 and U+2029: checked as
// any byte outside printable ASCII).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil { // cannot happen for a string
				panic(err)
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' { // an address's key is quoted
			b = append(b, '\\', c)
		} else {
			b = append(b, c)
		}
	}
	return append(b, '"')
}
