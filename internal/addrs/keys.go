package addrs

import "strings"

// Keys is the key of an instance whose address holds more than one:
// those of the module calls with count or for_each along its module path,
// outermost first, then its resource's own, spelled as they are written
// (["ani"]["x"] for module.hire["ani"].usapi_account.extra["x"]). An
// address with one key uses that key itself (IntKey or StringKey), so that
// every address with one key is what it always was.
type Keys string

func (Keys) isKey() {}

// String spells the keys as written: ["ani"][0].
func (k Keys) String() string { return string(k) }

// Parts lists the keys, outermost first.
func (k Keys) Parts() []Key {
	var out []Key
	rest := string(k)
	for rest != "" {
		end := closingBracket(rest)
		if end < 0 {
			break
		}
		key, err := parseKey(rest[:end+1])
		if err != nil {
			break
		}
		out = append(out, key)
		rest = rest[end+1:]
	}
	return out
}

// JoinKeys makes the key of an instance from its keys, outermost first;
// nil keys (calls and resources without count or for_each) are skipped.
func JoinKeys(keys ...Key) Key {
	var kept []Key
	for _, k := range keys {
		if k == nil {
			continue
		}
		if ks, ok := k.(Keys); ok {
			kept = append(kept, ks.Parts()...)
			continue
		}
		kept = append(kept, k)
	}
	switch len(kept) {
	case 0:
		return nil
	case 1:
		return kept[0]
	}
	var b strings.Builder
	for _, k := range kept {
		b.WriteString(k.String())
	}
	return Keys(b.String())
}

// KeyParts lists the keys a key holds: none for nil, the parts of Keys,
// else the key itself.
func KeyParts(k Key) []Key {
	switch k := k.(type) {
	case nil:
		return nil
	case Keys:
		return k.Parts()
	}
	return []Key{k}
}

// splitKey divides the instance's keys between its module calls (one per
// keyed call, outermost first) and its resource (nil when it has none).
func (i Instance) splitKey() (modules []Key, own Key) {
	parts := KeyParts(i.Key)
	n := strings.Count(i.Resource.Module, "[]")
	if len(parts) > n {
		return parts[:n], parts[n]
	}
	return parts, nil
}

// ModuleKeys is the key of the module instance that holds the instance
// (its module calls' keys), nil when no call along its path has count or
// for_each.
func (i Instance) ModuleKeys() Key {
	mods, _ := i.splitKey()
	return JoinKeys(mods...)
}

// CompareKeys orders keys as Instance.Less does: integer keys in numeric
// order before string keys; Keys part by part.
func keyLessParts(a, b Key) bool {
	pa, pb := KeyParts(a), KeyParts(b)
	for n := 0; n < len(pa) && n < len(pb); n++ {
		if keyLess(pa[n], pb[n]) {
			return true
		}
		if keyLess(pb[n], pa[n]) {
			return false
		}
	}
	return len(pa) < len(pb)
}
