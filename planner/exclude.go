package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/hashicorp/hcl/v2"
)

// With Options.ExcludeInvalid, an instance of a resource with count or
// for_each whose own configuration is invalid (a bad NIK month in one CSV
// row) is left out of the plan instead of failing it, and so is every
// instance that names it (usapi_account.p[each.key]): its errors become
// warnings, still pointing at file:line and the CSV row, and the plan
// lists it in Plan.Excluded. Nothing about it is sent; a stored record of
// it stays as it is. Errors across instances (two accounts with one
// username) and errors of the configuration itself still fail the plan.

// exclude leaves st out when the plan excludes invalid instances, with
// diags (errors) as the reason; it reports whether it did.
func (p *planner) exclude(st *Step, diags hcl.Diagnostics) bool {
	if !p.req.Options.ExcludeInvalid || st.res.exp == single {
		return false
	}
	addr := st.Addr()
	var reason string
	warnings := make(hcl.Diagnostics, 0, len(diags))
	for _, d := range diags {
		w := *d
		if w.Severity == hcl.DiagError {
			w.Severity = hcl.DiagWarning
			if reason == "" {
				reason = excludeReason(&w)
			}
			w.Summary = "Excluded " + addr + ": " + w.Summary
			w.Detail += " It is left out of this plan (-exclude-invalid): nothing about it is sent; fix it and plan again."
		}
		warnings = append(warnings, &w)
	}
	p.mu.Lock()
	if p.excluded == nil {
		p.excluded = map[string]plans.Exclusion{}
	}
	p.excluded[addr] = plans.Exclusion{Addr: st.Change.Addr, Reason: reason}
	p.exclusionDiags = append(p.exclusionDiags, warnings...)
	p.mu.Unlock()
	return true
}

// excludeReason spells a diagnostic as one line: where, what.
func excludeReason(d *hcl.Diagnostic) string {
	where := ""
	if d.Subject != nil {
		where = fmt.Sprintf("%s:%d: ", d.Subject.Filename, d.Subject.Start.Line)
	}
	row := ""
	if i := strings.Index(d.Detail, "The instance comes from line "); i >= 0 {
		row = " (" + strings.TrimSuffix(strings.TrimPrefix(d.Detail[i:], "The instance comes from "), ".") + ")"
		if j := strings.Index(row, ". "); j >= 0 {
			row = row[:j] + ")"
		}
	}
	return where + d.Summary + row
}

// excludedUpstream excludes st when an instance it names is excluded.
func (p *planner) excludedUpstream(st *Step) bool {
	if !p.req.Options.ExcludeInvalid {
		return false
	}
	for d, refs := range st.res.keyed {
		up := p.res[d]
		if up == nil {
			continue
		}
		for _, ref := range refs {
			k, ok := p.instanceKey(st, up, ref)
			if !ok {
				continue
			}
			name := d.Instance(k).String()
			p.mu.Lock()
			_, gone := p.excluded[name]
			p.mu.Unlock()
			if gone {
				return p.exclude(st, hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Depends on an excluded instance",
					Detail:   fmt.Sprintf("%s refers to %s, which is excluded as invalid.", st.Addr(), name),
					Subject:  st.res.cfg.DeclRange.Ptr(),
				}})
			}
		}
	}
	return false
}

// withoutExcluded drops the excluded instances from keys.
func (p *planner) withoutExcluded(r *resource, keys []instanceKey) []instanceKey {
	if len(p.excluded) == 0 {
		return keys
	}
	// A new slice: the pre-pass's steps point at their keys' repetitions
	// in keys (newStep), which deleting in place would shift onto the
	// next instances' rows and zero at the end.
	out := make([]instanceKey, 0, len(keys))
	for _, k := range keys {
		if _, gone := p.excluded[r.addr.Instance(k.key).String()]; !gone {
			out = append(out, k)
		}
	}
	return out
}

// sortedExclusions lists the excluded instances by address.
func (p *planner) sortedExclusions() []plans.Exclusion {
	out := make([]plans.Exclusion, 0, len(p.excluded))
	for _, e := range p.excluded {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b plans.Exclusion) int {
		switch {
		case a.Addr.Less(b.Addr):
			return -1
		case b.Addr.Less(a.Addr):
			return 1
		}
		return 0
	})
	return out
}
