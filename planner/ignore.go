package planner

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// ignoreChanges puts the prior values of lifecycle.ignore_changes into the
// configuration, so that the provider plans no change for them.
func ignoreChanges(r *resource, cfg, prior cty.Value) cty.Value {
	if prior.IsNull() || r.cfg == nil || (!r.cfg.IgnoreAllChanges && len(r.cfg.IgnoreChanges) == 0) {
		return cfg
	}
	if r.cfg.IgnoreAllChanges {
		return ignoreAll(r, cfg, prior)
	}
	paths := make([]cty.Path, 0, len(r.cfg.IgnoreChanges))
	for _, t := range r.cfg.IgnoreChanges {
		paths = append(paths, traversalPath(t))
	}
	out, _ := cty.Transform(cfg, func(path cty.Path, v cty.Value) (cty.Value, error) {
		for _, ignored := range paths {
			if path.Equals(ignored) {
				if old, err := ignored.Apply(prior); err == nil {
					return old, nil
				}
			}
		}
		return v, nil
	})
	return out
}

// ignoreAll keeps the prior value of every argument.
func ignoreAll(r *resource, cfg, prior cty.Value) cty.Value {
	attrs := cfg.AsValueMap()
	for name := range attrs {
		a := r.block.Attributes[name]
		if a != nil && !a.Required && !a.Optional {
			continue // computed only: not an argument
		}
		attrs[name] = prior.GetAttr(name)
	}
	return cty.ObjectVal(attrs)
}

// traversalPath turns ignore_changes' relative traversal into a cty.Path.
func traversalPath(t hcl.Traversal) cty.Path {
	var path cty.Path
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			path = path.GetAttr(s.Name)
		case hcl.TraverseRoot:
			path = path.GetAttr(s.Name)
		case hcl.TraverseIndex:
			path = path.Index(s.Key)
		}
	}
	return path
}

// ignoredPaths lists the paths of ignore_changes (every argument for
// ignore_changes = all), for the provider (providers.PlanRequest.Ignored).
func ignoredPaths(r *resource, cfg, prior cty.Value) []cty.Path {
	if prior.IsNull() || r.cfg == nil || !cfg.Type().IsObjectType() {
		return nil
	}
	if !r.cfg.IgnoreAllChanges {
		paths := make([]cty.Path, 0, len(r.cfg.IgnoreChanges))
		for _, t := range r.cfg.IgnoreChanges {
			paths = append(paths, traversalPath(t))
		}
		return paths
	}
	var paths []cty.Path
	for name := range cfg.Type().AttributeTypes() {
		if a := r.block.Attributes[name]; a != nil && !a.Required && !a.Optional {
			continue
		}
		paths = append(paths, cty.GetAttrPath(name))
	}
	return paths
}
