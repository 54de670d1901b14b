package command

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
)

// comparePlans checks that a re-plan is the saved plan: the same inputs
// digest, the same instances with the same actions, configuration
// digests, spends and dependencies (so that what runs, and in what
// order, is what was reviewed). It names the first difference.
func comparePlans(saved, fresh *plans.Plan) error {
	if saved.InputDigest != fresh.InputDigest {
		return fmt.Errorf("the configuration files, the variable values or the files they read differ from when the plan was made (apply a plan file with the same -var, -var-file and DAFTAR_VAR_* inputs as plan had)")
	}
	freshByAddr := map[string]*plans.Change{}
	for _, c := range fresh.Changes {
		if c.Action != plans.NoOp || c.Importing != "" {
			freshByAddr[c.Addr.String()] = c
		}
	}
	for _, s := range saved.Changes {
		if s.Action == plans.NoOp && s.Importing == "" {
			continue
		}
		addr := s.Addr.String()
		f, ok := freshByAddr[addr]
		switch {
		case !ok:
			return fmt.Errorf("%s was planned to %s, and now needs no change", addr, s.Action)
		case f.Importing != s.Importing:
			return fmt.Errorf("%s was planned to import %q, and now would import %q", addr, s.Importing, f.Importing)
		case f.Action != s.Action:
			return fmt.Errorf("%s was planned to %s, and now would %s", addr, s.Action, f.Action)
		case f.ConfigDigest != s.ConfigDigest:
			return fmt.Errorf("the configuration of %s differs from the plan's", addr)
		case f.Spends != s.Spends:
			return fmt.Errorf("%s was planned to spend %d and now would spend %d", addr, s.Spends, f.Spends)
		case !sameDependencies(s.DependsOn, f.DependsOn):
			return fmt.Errorf("%s now waits for %s, and the plan said %s", addr, addrList(f.DependsOn), addrList(s.DependsOn))
		}
		delete(freshByAddr, addr)
	}
	for _, f := range fresh.Changes {
		if _, extra := freshByAddr[f.Addr.String()]; extra {
			return fmt.Errorf("%s would now %s, which the plan did not include", f.Addr, f.Action)
		}
	}
	return nil
}

// sameDependencies compares two sorted DependsOn lists.
func sameDependencies(a, b []addrs.Instance) bool {
	return slices.Equal(a, b)
}

func addrList(as []addrs.Instance) string {
	if len(as) == 0 {
		return "nothing"
	}
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.String()
	}
	return strings.Join(names, ", ")
}
