package planner

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/state"
)

// MovedRecord returns a copy of r recorded at the address to: the same
// remote record, known by another name. Its attributes, digests and
// dependencies stay; the caller checks that the types match.
func MovedRecord(r *state.Resource, to addrs.Instance) *state.Resource {
	c := *r
	c.Address = to.String()
	c.Type, c.Name = to.Resource.Type, to.Resource.Name
	c.IndexKey = indexKeyJSON(to.Key)
	return &c
}
