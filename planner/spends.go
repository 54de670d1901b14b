package planner

import (
	"context"
	"fmt"
	"sort"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
)

// spends sums what the changes spend per provider and reads the balance of
// each provider that spends anything.
func (p *planner) spends(ctx context.Context, changes []*plans.Change) []plans.Spend {
	count := map[string]int{}
	for _, c := range changes {
		if c.Spends > 0 && (c.Action == plans.Create || c.Action == plans.Replace) {
			count[c.Provider] += c.Spends
		}
	}
	for _, r := range p.res { // the creates kept lazily (lazycreates.go), each spending the same
		if lz := r.lazy; lz != nil && lz.spends > 0 {
			count[r.prov.name] += lz.spends * lz.kept
		}
	}
	names := sortedKeys(count)
	sort.Strings(names)
	var out []plans.Spend
	for _, name := range names {
		pr := p.provs[name]
		s := plans.Spend{Provider: name, Unit: name + " units", Count: count[name], Balance: -1}
		if sp, ok := pr.p.(providers.Spender); ok && p.configure(ctx, pr) {
			bal, ds := sp.Balance(ctx)
			if bal.Unit != "" {
				s.Unit = bal.Unit
			}
			if ds.HasErrors() {
				p.report(hcl.Diagnostics{{
					Severity: hcl.DiagWarning,
					Summary:  "Balance not known",
					Detail:   fmt.Sprintf("The plan spends %d %s, but the balance could not be read: %s", s.Count, s.Unit, diagText(ds)),
				}})
			} else {
				s.Balance = bal.Left
			}
		}
		out = append(out, s)
	}
	return out
}

func diagText(ds providers.Diagnostics) string {
	for _, d := range ds {
		if d.Severity == providers.Error {
			if d.Detail != "" {
				return d.Summary + ": " + d.Detail
			}
			return d.Summary + "."
		}
	}
	return ""
}
