package planner

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// existingWarnings is how many instances of one resource get a warning of
// their own when their creates are not planned because the remote already
// holds their records; the rest are counted in one more warning (a lost
// state of 100,000 verifications is one screen, not 100,000 warnings).
const existingWarnings = 5

// existingNoOp plans, instead of a create, nothing for an instance whose
// record the remote already holds (the provider's PlanResponse.Existing):
// paying twice needs the user's word. The instance stays out of the state
// until the user imports the record or allows the repeat.
func (p *planner) existingNoOp(st *Step, prior cty.Value, ex *providers.Existing) *Step {
	c := st.Change
	owner, err := p.owners.of(p.req.state(), st.res.addr.Type, ex.IDAttribute, ex.ID)
	if err != nil {
		p.report(hcl.Diagnostics{attrsError(err)})
	}
	if owner == st.Addr() {
		owner = ""
	}
	msg := ex.Message
	if owner != "" {
		msg += ", recorded in the state as " + owner
	}
	c.Action, c.Before, c.After, c.Spends = plans.NoOp, prior, prior, 0
	c.Reason = msg + "; not created"
	st.value = cty.UnknownVal(st.res.ty)
	p.mu.Lock()
	p.existing = append(p.existing, plans.Existing{Addr: c.Addr, ID: ex.ID, Message: msg})
	if p.existingWarned == nil {
		p.existingWarned = map[addrs.Resource]int{}
	}
	p.existingWarned[c.Addr.Resource]++
	n := p.existingWarned[c.Addr.Resource]
	p.mu.Unlock()
	if n <= existingWarnings {
		p.report(hcl.Diagnostics{existingWarning(st, ex, owner)})
	}
	return st
}

// existingWarning says what was found and what the user can do: import
// it, unless another address of the state holds it, or allow the repeat.
func existingWarning(st *Step, ex *providers.Existing, owner string) *hcl.Diagnostic {
	addr := st.Addr()
	var detail string
	if owner != "" {
		detail = fmt.Sprintf("%s is %s, which the state records as %s: the configuration declares the same record twice. %s %s",
			addr, ex.Message, owner, ex.Why, ex.Repeat)
	} else {
		detail = fmt.Sprintf("%s is %s. %s If that record is this resource's (the state was lost, the backend changed without "+
			"daftar state migrate, or another operator created it), adopt it:\n  daftar import '%s' %s\n%s",
			addr, ex.Message, ex.Why, addr, ex.ID, ex.Repeat)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Already at the remote: not created",
		Detail:   detail,
		Subject:  st.res.cfg.DeclRange.Ptr(),
	}
}

// idOwners finds which address of the state holds a remote record's id.
// Its index is built once per resource type and id attribute, when a
// provider first names an existing record: a plan without any reads
// nothing.
type idOwners struct {
	mu    sync.Mutex
	index map[[2]string]map[string]string // {type, attribute} → id → address
}

// of is the address of the state's record of type typ whose attribute
// attr is id, "" when none.
func (o *idOwners) of(st *state.State, typ, attr, id string) (string, error) {
	if attr == "" || id == "" {
		return "", nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	key := [2]string{typ, attr}
	byID, ok := o.index[key]
	if !ok {
		var err error
		if byID, err = indexIDs(st, typ, attr); err != nil {
			return "", err
		}
		if o.index == nil {
			o.index = map[[2]string]map[string]string{}
		}
		o.index[key] = byID
	}
	return byID[id], nil
}

// indexIDs reads attribute attr of every state record of type typ. An
// error says why a record's attributes could not be read back.
func indexIDs(st *state.State, typ, attr string) (map[string]string, error) {
	out := map[string]string{}
	for addr, r := range st.Resources {
		if r.Type() != typ || !r.HasAttributes() {
			continue
		}
		raw, err := r.Attributes()
		if err != nil {
			return nil, err
		}
		var attrs map[string]json.RawMessage
		var id string
		if json.Unmarshal(raw, &attrs) == nil && json.Unmarshal(attrs[attr], &id) == nil && id != "" {
			out[id] = addr
		}
	}
	return out, nil
}

// existingFound returns the instances not created, sorted, after a
// warning per resource counting those beyond the first existingWarnings.
func (p *planner) existingFound() []plans.Existing {
	for _, key := range sortedResources(p.existingWarned) {
		if n := p.existingWarned[key]; n > existingWarnings {
			r := p.res[key]
			d := &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Already at the remote: not created",
				Detail: fmt.Sprintf("%d more instances of %s are already at the remote and are not created (the plan lists them all, "+
					"with what was found). Import each one, or allow the repeat as the warnings above say.", n-existingWarnings, key),
			}
			if r != nil && r.cfg != nil {
				d.Subject = r.cfg.DeclRange.Ptr()
			}
			p.report(hcl.Diagnostics{d})
		}
	}
	out := append([]plans.Existing(nil), p.existing...)
	sort.Slice(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out
}
