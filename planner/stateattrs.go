package planner

import "github.com/hashicorp/hcl/v2"

// attrsError is the diagnostic of a state record whose attributes could
// not be read back from the state file (state.Resource.Attributes): the
// plan cannot tell what the record holds, and stops.
func attrsError(err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read the state",
		Detail: err.Error() + ". Nothing was planned from it: check that nothing changed the state file while daftar ran, and run the command again."}
}
