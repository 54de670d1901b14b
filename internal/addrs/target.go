package addrs

import (
	"fmt"
	"strings"
)

// Target selects instances for -target and -replace: a whole resource
// (usapi_account.hire), one instance (usapi_account.hire["ani"]), or
// everything a module call holds (module.hire, module.hire["ani"]).
type Target struct {
	Resource Resource
	Key      Key
	// Whole is true when the target names a resource without a key, and so
	// selects every one of its instances.
	Whole bool
	// Module is set when the target names a module call or a module
	// instance: Resource.Module is its path (the keyed call marked with
	// "[]" when Key is its key) and Resource's other fields are empty.
	Module bool
}

// ParseTarget reads a -target or -replace address.
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	path, key, rest, err := parseModulePath(s)
	if err != nil {
		return Target{}, fmt.Errorf("invalid address %q: %w", s, err)
	}
	if path != "" && rest == "" {
		return Target{Resource: Resource{Module: path}, Key: key, Module: true, Whole: key == nil}, nil
	}
	inst, err := ParseInstance(s)
	if err != nil {
		return Target{}, err
	}
	return Target{Resource: inst.Resource, Key: inst.Key, Whole: inst.Key == nil}, nil
}

// Matches reports whether the target selects the instance.
func (t Target) Matches(i Instance) bool {
	if !t.SelectsResource(i.Resource) {
		return false
	}
	if t.Module {
		return t.Key == nil || underPrefix(i.ModuleInstance(), t.String())
	}
	if t.Whole {
		return true
	}
	if t.Key == i.Key {
		return true
	}
	// module.hire["ani"].usapi_account.extra selects each of its own
	// instances in that module instance.
	return t.Resource.KeyedModule() && underPrefix(i.String(), t.String())
}

// underPrefix reports whether the address s is prefix or lies below it:
// module.hire["ani"] under module.hire, module.hire["ani"].module.x under
// module.hire["ani"], usapi_account.x["k"] under usapi_account.x.
func underPrefix(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	return len(s) == len(prefix) || s[len(prefix)] == '.' || s[len(prefix)] == '['
}

// SelectsResource reports whether the target names r or, for a module
// target, a module that holds r; it may select only some of r's
// instances.
func (t Target) SelectsResource(r Resource) bool {
	if t.Module {
		return modulePathUnder(r.ModulePath(), t.Resource.ModulePath())
	}
	return t.Resource.Mode == r.Mode && t.Resource.Type == r.Type && t.Resource.Name == r.Name &&
		t.Resource.ModulePath() == r.ModulePath()
}

// SelectsWhole reports whether the target selects every instance of r.
func (t Target) SelectsWhole(r Resource) bool {
	return t.SelectsResource(r) && t.Key == nil
}

// String spells the target as the user wrote it.
func (t Target) String() string {
	if t.Module {
		return strings.TrimSuffix(modulePrefix(t.Resource.Module, t.Key), ".")
	}
	return Instance{Resource: t.Resource, Key: t.Key}.String()
}
