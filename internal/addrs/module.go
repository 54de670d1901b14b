package addrs

import (
	"fmt"
	"strings"
)

// A resource declared in a module has the module's path in its address:
// module.hire["ani"].usapi_account.this. Resource.Module spells that path
// without instance keys, as the call names from the root joined by dots
// ("hire", "outer.hire"); a call whose instances give the resource's
// instances a key is marked with "[]" ("hire[]", "hire[].extra[]"). An
// instance's Key holds the keys of its marked calls, outermost first, then
// its resource's own: one key is the key itself
// (module.hire["ani"].usapi_account.this, module.hire.usapi_account.this["x"]),
// several are Keys (module.hire["ani"].usapi_account.alt["x"], see
// keys.go).

// moduleSegments splits a module path into its calls.
func moduleSegments(path string) []string {
	if path == "" {
		return nil
	}
	return strings.Split(path, ".")
}

// KeyedModule reports whether a call of the resource's module path holds
// the instance keys.
func (r Resource) KeyedModule() bool {
	return strings.Contains(r.Module, "[]")
}

// ModulePath returns the module path without the key marker: the call
// names joined by dots.
func (r Resource) ModulePath() string {
	return strings.ReplaceAll(r.Module, "[]", "")
}

// modulePrefix spells the module path of an address with the parts of
// key placed at its keyed calls, followed by a dot; "" at the root.
func modulePrefix(path string, key Key) string {
	return modulePrefixKeys(path, KeyParts(key))
}

// modulePrefixKeys is modulePrefix with the keys of the keyed calls,
// outermost first; a call left without a key is spelled without one.
func modulePrefixKeys(path string, keys []Key) string {
	var b strings.Builder
	for _, seg := range moduleSegments(path) {
		name, keyed := strings.CutSuffix(seg, "[]")
		b.WriteString("module.")
		b.WriteString(name)
		if keyed && len(keys) > 0 {
			b.WriteString(keys[0].String())
			keys = keys[1:]
		}
		b.WriteByte('.')
	}
	return b.String()
}

// ModuleInstance spells the module instance that holds the instance
// (module.hire["ani"]); "" for an instance of the root module. The state
// records it as Terraform does.
func (i Instance) ModuleInstance() string {
	mods, _ := i.splitKey()
	return strings.TrimSuffix(modulePrefixKeys(i.Resource.Module, mods), ".")
}

// parseModulePath reads the module.NAME[KEY]. steps at the start of s and
// returns the path, the key found at a call (nil if none) and the rest.
func parseModulePath(s string) (path string, key Key, rest string, err error) {
	var segs []string
	rest = s
	for strings.HasPrefix(rest, "module.") {
		rest = rest[len("module."):]
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		name := rest[:end]
		if !isIdent(name) {
			return "", nil, "", fmt.Errorf("%q is not a valid module name", name)
		}
		rest = rest[end:]
		if strings.HasPrefix(rest, "[") {
			close := closingBracket(rest)
			if close < 0 {
				return "", nil, "", fmt.Errorf("an instance key is written [0] or [\"name\"]")
			}
			k, err := parseKey(rest[:close+1])
			if err != nil {
				return "", nil, "", err
			}
			key = JoinKeys(key, k)
			name += "[]"
			rest = rest[close+1:]
		}
		segs = append(segs, name)
		if rest == "" {
			break
		}
		if !strings.HasPrefix(rest, ".") {
			return "", nil, "", fmt.Errorf("expected a dot after module.%s", strings.TrimSuffix(name, "[]"))
		}
		rest = rest[1:]
	}
	return strings.Join(segs, "."), key, rest, nil
}

// closingBracket finds the ] that closes the key at the start of s,
// skipping a quoted string's content.
func closingBracket(s string) int {
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch {
		case inQuote && s[i] == '\\':
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && s[i] == ']':
			return i
		}
	}
	return -1
}

// ModulePrefixOf reports whether the module path prefix (stripped of key
// markers) is the module path of r or of one of its ancestors.
func modulePathUnder(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+".")
}

// ModuleInstances spells the module instances that hold the instance,
// from the outermost (module.outer) to its own (module.outer.module.hire["ani"]);
// none in the root module.
func (i Instance) ModuleInstances() []string {
	segs := moduleSegments(i.Resource.Module)
	mods, _ := i.splitKey()
	out := make([]string, len(segs))
	for n := range segs {
		out[n] = strings.TrimSuffix(modulePrefixKeys(strings.Join(segs[:n+1], "."), mods), ".")
	}
	return out
}

// OwnKey is the key of the instance's resource itself: nil when its key
// is only its module calls' (module.hire["ani"].usapi_account.this).
func (i Instance) OwnKey() Key {
	_, own := i.splitKey()
	return own
}
