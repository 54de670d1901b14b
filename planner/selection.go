package planner

import (
	"fmt"
	"maps"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/hashicorp/hcl/v2"
)

// selection applies -target and -replace. Without targets every instance
// is selected; with targets, the targeted instances and every instance of
// the resources they depend on (transitively).
type selection struct {
	targets  []addrs.Target
	replace  []addrs.Target
	named    map[addrs.Resource]bool // resources some target names
	upstream map[addrs.Resource]bool // resources a targeted one depends on
}

func (p *planner) parseSelection() {
	s := &selection{named: map[addrs.Resource]bool{}, upstream: map[addrs.Resource]bool{}}
	s.targets = p.parseTargets("-target", p.req.Options.Targets)
	s.replace = p.parseTargets("-replace", p.req.Options.Replace)
	for _, t := range s.targets {
		for a := range p.res {
			if t.SelectsResource(a) {
				s.named[a] = true
			}
		}
		for a := range p.stored.byRes { // one the configuration no longer declares: forgotten
			if t.SelectsResource(a) {
				s.named[a] = true
			}
		}
	}
	var visit func(a addrs.Resource)
	visit = func(a addrs.Resource) {
		r := p.res[a]
		if r == nil {
			return
		}
		for _, d := range r.deps {
			if s.sameModuleInstance(r, d) {
				if !s.named[d] {
					s.named[d] = true // the target selects its instances too
					visit(d)
				}
				continue
			}
			if !s.upstream[d] {
				s.upstream[d] = true
				visit(d)
			}
		}
	}
	for a := range maps.Clone(s.named) {
		visit(a)
	}
	p.sel = s
	p.warnUnmatchedTargets()
}

// warnUnmatchedTargets warns of each -target that names no resource of
// the configuration nor of the state. Terraform plans nothing for such a
// target without a word, and a misspelt one then reads as "no changes";
// it stays a warning, not an error, as a target may name what does not
// exist yet. An instance target of a known resource is not checked: its
// keys are known only once the resource is expanded.
func (p *planner) warnUnmatchedTargets() {
	var known []string
	selects := func(t addrs.Target) bool {
		for a := range p.res {
			if t.SelectsResource(a) {
				return true
			}
		}
		for a := range p.stored.byRes {
			if t.SelectsResource(a) {
				return true
			}
		}
		return false
	}
	for _, raw := range p.req.Options.Targets {
		t, err := addrs.ParseTarget(raw)
		if err != nil || selects(t) {
			continue // an invalid one is an error already
		}
		if known == nil {
			known = p.resourceNames()
		}
		hint := ""
		if !t.Module {
			hint = suggest.DidYouMean(t.Resource.String(), known)
		}
		p.report(hcl.Diagnostics{{
			Severity: hcl.DiagWarning,
			Summary:  "Target matches nothing",
			Detail:   fmt.Sprintf("-target=%s names no resource of the configuration or the state: it selects nothing, and the plan holds no change for it.%s", raw, hint),
		}})
	}
}

// resourceNames are the addresses of the resources of the configuration
// and of the state.
func (p *planner) resourceNames() []string {
	var out []string
	for a := range p.res {
		out = append(out, a.String())
	}
	for a := range p.stored.byRes {
		if p.res[a] == nil {
			out = append(out, a.String())
		}
	}
	return out
}

func (p *planner) parseTargets(flag string, in []string) []addrs.Target {
	var out []addrs.Target
	for _, s := range in {
		t, err := addrs.ParseTarget(s)
		if err != nil {
			p.report(hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid " + flag + " address",
				Detail:   fmt.Sprintf("%s=%s: %s.", flag, s, err),
			}})
			continue
		}
		out = append(out, t)
	}
	return out
}

// resource reports whether any instance of r may change.
func (s *selection) resource(r addrs.Resource) bool {
	return len(s.targets) == 0 || s.named[r] || s.upstream[r]
}

// instance reports whether the instance may change.
func (s *selection) instance(i addrs.Instance) bool {
	return len(s.targets) == 0 || s.upstream[i.Resource] || matchesAny(s.targets, i)
}

// wholeResource reports whether every instance of r is selected, so that
// the per-instance check can be skipped.
func (s *selection) wholeResource(r addrs.Resource) bool {
	if len(s.targets) == 0 || s.upstream[r] {
		return true
	}
	for _, t := range s.targets {
		if t.SelectsWhole(r) {
			return true
		}
	}
	return false
}

// replaced reports whether -replace names the instance.
func (s *selection) replaced(i addrs.Instance) bool {
	return matchesAny(s.replace, i)
}

// matchesAny reports whether one of ts names the instance.
func matchesAny(ts []addrs.Target, i addrs.Instance) bool {
	for _, t := range ts {
		if t.Matches(i) {
			return true
		}
	}
	return false
}

// replaceOf is the -replace targets that may name an instance of r, for
// the pre-pass, which runs before parseSelection (which reports an
// invalid one).
func (p *planner) replaceOf(r addrs.Resource) []addrs.Target {
	var out []addrs.Target
	for _, raw := range p.req.Options.Replace {
		if t, err := addrs.ParseTarget(raw); err == nil && t.SelectsResource(r) {
			out = append(out, t)
		}
	}
	return out
}
