package planner

import (
	"fmt"
	"maps"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/hashicorp/hcl/v2"
)

// selection applies -target and -replace. Without targets every instance
// is selected; with targets, the targeted instances and every instance of
// the resources they depend on (transitively).
type selection struct {
	targets []addrs.Target
	replace []addrs.Target
	// keyless are the -replace targets that name a resource with count or
	// for_each without a key, and so no instance (keylessOf), by resource.
	keyless  map[*resource][]addrs.Target
	named    map[addrs.Resource]bool // resources some target names
	upstream map[addrs.Resource]bool // resources a targeted one depends on
}

func (p *planner) parseSelection() {
	s := &selection{named: map[addrs.Resource]bool{}, upstream: map[addrs.Resource]bool{}}
	s.targets = p.parseTargets("-target", p.req.Options.Targets)
	for _, t := range p.parseTargets("-replace", p.req.Options.Replace) {
		if r := p.keylessOf(t); r != nil {
			if s.keyless == nil {
				s.keyless = map[*resource][]addrs.Target{}
			}
			s.keyless[r] = append(s.keyless[r], t)
			continue
		}
		s.replace = append(s.replace, t)
	}
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

// warnUnmatchedTargets warns of each -target or -replace that names no
// resource of the configuration nor of the state. Terraform plans nothing
// for such an address without a word, and a misspelt one then reads as
// "no changes"; it stays a warning, not an error, as a target may name
// what does not exist yet. An instance target of a known resource is not checked: its
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
	unmatched := func(flag, summary, does string, raws []string) {
		for _, raw := range raws {
			t, err := addrs.ParseTarget(raw)
			if err != nil || flag == "-replace" && t.Module || selects(t) {
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
				Summary:  summary,
				Detail:   fmt.Sprintf("%s=%s names no resource of the configuration or the state: it %s, and the plan holds no change for it.%s", flag, raw, does, hint),
			}})
		}
	}
	unmatched("-target", "Target matches nothing", "selects nothing", p.req.Options.Targets)
	unmatched("-replace", "Replace matches nothing", "replaces nothing", p.req.Options.Replace)
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
		if flag == "-replace" && t.Module {
			// As Terraform, which refuses it ("Resource specification
			// must include a resource type and name"): a module holds a
			// verification per row, a token each to replace.
			p.report(hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid -replace address",
				Detail: fmt.Sprintf("-replace=%s names a module, not a resource instance: -replace takes the address of the one instance to replace, a resource type and name after the module's path (%s.TYPE.NAME). daftar state list '%s' lists the instances in it.",
					s, strings.TrimSpace(s), strings.TrimSpace(s)),
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
		if t, err := addrs.ParseTarget(raw); err == nil && !t.Module && t.SelectsResource(r) && p.keylessOf(t) == nil {
			out = append(out, t)
		}
	}
	return out
}

// keylessOf is the resource with count or for_each that t names without
// a key, if any. As in Terraform, such a -replace target names no
// instance: it would replace every one (a token a row for a batch of
// verifications) where the user most likely meant one.
// warnIncompleteReplace says which addresses would name them.
func (p *planner) keylessOf(t addrs.Target) *resource {
	if !t.Whole || t.Module {
		return nil
	}
	for a, r := range p.res {
		if r.ownExp != single && t.SelectsResource(a) {
			return r
		}
	}
	return nil
}

// replaceListed is how many instances the warning of a keyless -replace
// lists: a batch's would fill the terminal.
const replaceListed = 10

// warnIncompleteReplace warns of each -replace address that names r,
// which has count or for_each, without a key, in Terraform's words, and
// lists the instance addresses that would name its instances.
func (p *planner) warnIncompleteReplace(r *resource, keys []instanceKey) {
	for _, t := range p.sel.keyless[r] {
		// Of a module instance's resource, its own instances.
		var named []addrs.Instance
		n := 0
		for i := range keys {
			if in := r.addr.Instance(keys[i].key); t.Matches(in) {
				if n++; n <= replaceListed {
					named = append(named, in)
				}
			}
		}
		var detail strings.Builder
		fmt.Fprintf(&detail, "Your force-replace request for %s doesn't match any resource instances because ", t)
		switch n {
		case 0:
			detail.WriteString("this resource doesn't have any instances.")
		case 1:
			detail.WriteString("it lacks an instance key.\n\nTo force replacement of the single declared instance, use the following option instead:")
		default:
			detail.WriteString("it lacks an instance key.\n\nTo force replacement of particular instances, use one or more of the following options instead:")
		}
		for _, in := range named {
			fmt.Fprintf(&detail, "\n  -replace=%q", in.String())
		}
		if n > replaceListed {
			fmt.Fprintf(&detail, "\n  ... and %d more: daftar state list %s lists them.", n-replaceListed, t)
		}
		p.report(hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Incompletely-matched force-replace resource instance", Detail: detail.String()}})
	}
}
