package addrs

import "strings"

// Target selects instances for -target and -replace: a whole resource
// (usapi_account.hire) or one instance (usapi_account.hire["ani"]).
type Target struct {
	Resource Resource
	Key      Key
	// Whole is true when the target names a resource without a key, and so
	// selects every one of its instances.
	Whole bool
}

// ParseTarget reads a -target or -replace address.
func ParseTarget(s string) (Target, error) {
	inst, err := ParseInstance(strings.TrimSpace(s))
	if err != nil {
		return Target{}, err
	}
	return Target{Resource: inst.Resource, Key: inst.Key, Whole: inst.Key == nil}, nil
}

// Matches reports whether the target selects the instance.
func (t Target) Matches(i Instance) bool {
	if t.Resource != i.Resource {
		return false
	}
	return t.Whole || t.Key == i.Key
}

// String spells the target as the user wrote it.
func (t Target) String() string {
	return Instance{Resource: t.Resource, Key: t.Key}.String()
}
