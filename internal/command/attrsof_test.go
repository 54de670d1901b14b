package command

import (
	"encoding/json"

	"github.com/daftar-dev/daftar/state"
)

// attrsOf is r's attributes, read back if need be; a test fails loudly
// (a panic) when they cannot be.
func attrsOf(r *state.Resource) json.RawMessage {
	a, err := r.Attributes()
	if err != nil {
		panic(err)
	}
	return a
}
