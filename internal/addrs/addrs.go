package addrs

import (
	"fmt"
	"strconv"
	"strings"
)

// Mode tells a managed resource from a data source.
type Mode byte

const (
	// Managed is a resource daftar creates and records in the state.
	Managed Mode = 'M'
	// Data is a data source: read at plan time, never recorded as owned.
	Data Mode = 'D'
)

// String names the mode as the state file spells it.
func (m Mode) String() string {
	if m == Data {
		return "data"
	}
	return "managed"
}

// Resource is a resource or data block: its mode, type and name.
type Resource struct {
	Mode Mode
	Type string
	Name string
	// Module is the path of the module that declares the resource, ""
	// for the root module (see module.go).
	Module string
}

// String spells the resource as users write it: usapi_account.hire or
// data.prakerja_profile.me.
func (r Resource) String() string {
	prefix := ""
	if r.Module != "" {
		prefix = modulePrefix(r.Module, nil)
	}
	if r.Mode == Data {
		return prefix + "data." + r.Type + "." + r.Name
	}
	return prefix + r.Type + "." + r.Name
}

// Provider is the name of the provider that owns the resource type: the part
// of the type before its first underscore (usapi for usapi_account).
func (r Resource) Provider() string {
	provider, _, _ := strings.Cut(r.Type, "_")
	return provider
}

// Instance returns the instance of r with the given key.
func (r Resource) Instance(key Key) Instance {
	return Instance{Resource: r, Key: key}
}

// Key identifies one instance of a resource expanded with count (IntKey) or
// for_each (StringKey). NoKey is the key of a resource with neither.
type Key interface {
	isKey()
	String() string
}

// NoKey is the key of a resource that has neither count nor for_each.
var NoKey Key

// IntKey is the key of an instance of a resource with count.
type IntKey int

func (IntKey) isKey() {}

// String spells the key as an index: [3].
func (k IntKey) String() string { return "[" + strconv.Itoa(int(k)) + "]" }

// StringKey is the key of an instance of a resource with for_each.
type StringKey string

func (StringKey) isKey() {}

// String spells the key as a quoted index: ["ani"].
func (k StringKey) String() string { return "[" + strconv.Quote(string(k)) + "]" }

// Instance is one instance of a resource.
type Instance struct {
	Resource Resource
	Key      Key
}

// String spells the instance as users write it: usapi_account.hire["ani"].
func (i Instance) String() string {
	if i.Key == nil {
		return i.Resource.String()
	}
	if i.Resource.Module == "" {
		return i.Resource.String() + i.Key.String()
	}
	mods, own := i.splitKey()
	r := i.Resource
	r.Module = ""
	s := modulePrefixKeys(i.Resource.Module, mods) + r.String()
	if own != nil {
		s += own.String()
	}
	return s
}

// Less orders instances for stable output: by resource address, then by key,
// with integer keys in numeric order.
func (i Instance) Less(j Instance) bool {
	ri, rj := i.Resource.String(), j.Resource.String()

	if ri != rj {
		return ri < rj
	}
	return keyLess(i.Key, j.Key)
}

func keyLess(a, b Key) bool {
	switch {
	case a == nil:
		return b != nil
	case b == nil:
		return false
	}
	_, aKeys := a.(Keys)
	_, bKeys := b.(Keys)
	if aKeys || bKeys {
		return keyLessParts(a, b)
	}
	ai, aInt := a.(IntKey)
	bi, bInt := b.(IntKey)
	if aInt && bInt {
		return ai < bi
	}
	if aInt != bInt {
		return aInt
	}
	return a.(StringKey) < b.(StringKey)
}

// ParseInstance reads an instance address as users type it on the command
// line (usapi_account.hire["ani"], proofylink_verification.check[3],
// data.prakerja_profile.me).
func ParseInstance(s string) (Instance, error) {
	path, modKey, s2, err := parseModulePath(s)
	if err != nil {
		return Instance{}, fmt.Errorf("invalid address %q: %w", s, err)
	}
	resource, rest, err := parseResource(s2)
	if err != nil {
		return Instance{}, err
	}
	resource.Module = path
	if rest == "" {
		return Instance{Resource: resource, Key: modKey}, nil
	}
	key, err := parseKey(rest)
	if err != nil {
		return Instance{}, fmt.Errorf("invalid address %q: %w", s, err)
	}
	return Instance{Resource: resource, Key: JoinKeys(modKey, key)}, nil
}

func parseResource(s string) (Resource, string, error) {
	r := Resource{Mode: Managed}
	rest := s
	if strings.HasPrefix(rest, "data.") {
		r.Mode = Data
		rest = rest[len("data."):]
	}
	typ, rest, ok := strings.Cut(rest, ".")
	if !ok || !isIdent(typ) {
		return Resource{}, "", fmt.Errorf("invalid address %q: expected TYPE.NAME, such as usapi_account.hire or data.prakerja_profile.me", s)
	}
	name := rest
	if i := strings.IndexByte(rest, '['); i >= 0 {
		name, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if !isIdent(name) {
		return Resource{}, "", fmt.Errorf("invalid address %q: %q is not a valid resource name", s, name)
	}
	r.Type, r.Name = typ, name
	return r, rest, nil
}

func parseKey(s string) (Key, error) {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("an instance key is written [0] or [\"name\"]")
	}
	inner := s[1 : len(s)-1]
	if strings.HasPrefix(inner, `"`) {
		v, err := strconv.Unquote(inner)
		if err != nil {
			return nil, fmt.Errorf("the key %s is not a valid quoted string", inner)
		}
		return StringKey(v), nil
	}
	n, err := strconv.Atoi(inner)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("the key %s is neither a whole number nor a quoted string", inner)
	}
	return IntKey(n), nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || !(c == '-' || (c >= '0' && c <= '9'))) {
			return false
		}
	}
	return true
}
