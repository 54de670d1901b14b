package state

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// attrsOf is r's attributes, read back if need be; a test fails loudly
// (a panic) when they cannot be.
func attrsOf(r *Resource) json.RawMessage {
	a, err := r.Attributes()
	if err != nil {
		panic(err)
	}
	return a
}

// recordApart is a record with the attributes it holds in memory beside
// it (attrsApart).
type recordApart struct {
	R Resource
	A []byte
}

func apart(r *Resource) *recordApart {
	if r == nil {
		return nil
	}
	out := &recordApart{R: *r}
	if !r.attrs.inFile() {
		out.R.attrs, out.A = attrRef{}, r.attrs.bytes()
	}
	return out
}

// attrsApart returns v (a *State, a *snapshot or a *Resource) with each
// record's attributes held in memory taken out of it and put beside it,
// for reflect.DeepEqual to compare them by content: a record holds them
// through an unsafe.Pointer (attrRef), which DeepEqual compares by
// address. Attributes left in a file stay as they are (the same file and
// span).
func attrsApart(v any) any {
	switch v := v.(type) {
	case *State:
		if v == nil {
			return v
		}
		s := *v
		s.Resources = nil
		rs := map[string]*recordApart{}
		for a, r := range v.Resources {
			rs[a] = apart(r)
		}
		return struct {
			S  State
			RS map[string]*recordApart
		}{s, rs}
	case *snapshot:
		if v == nil {
			return v
		}
		s := *v
		s.Resources = nil
		var rs []*recordApart
		if v.Resources != nil {
			rs = []*recordApart{}
		}
		for _, r := range v.Resources {
			rs = append(rs, apart(r))
		}
		return struct {
			S  snapshot
			RS []*recordApart
		}{s, rs}
	case *Resource:
		return apart(v)
	}
	panic(fmt.Sprintf("attrsApart: %T", v))
}

// deepEqual is reflect.DeepEqual of a and b as attrsApart gives them.
func deepEqual(a, b any) bool {
	return reflect.DeepEqual(attrsApart(a), attrsApart(b))
}
