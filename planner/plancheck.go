package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// planResource asks r's provider for the planned value of one instance and
// checks it against r's schema (checkPlanned): a provider's mistake is an
// error naming the instance and the attribute, never a value silently
// lost. Every PlanResource call of the planner goes through it.
func planResource(ctx context.Context, r *resource, req providers.PlanRequest) providers.PlanResponse {
	return planResourceFields(ctx, r, req, nil)
}

// planResourceFields is planResource with req.Config's attributes at hand
// (nil when not), which the check reads instead of the object.
func planResourceFields(ctx context.Context, r *resource, req providers.PlanRequest, fields *schema.Fields) providers.PlanResponse {
	resp := r.prov.p.PlanResource(ctx, req)
	if resp.Diagnostics.HasErrors() || r.block == nil {
		return resp
	}
	return withPlanErrors(r, req.Addr, resp, checkPlannedFields(r.block, r.ty, req.Prior, req.Config, fields, resp.Planned))
}

// planResourceAttrs is planResourceFields of a new instance whose
// configuration is fields only (req.Config cty.NilVal), for a provider
// that plans from attributes (providers.PlanAttrs): no object is built.
// ok is false when the provider declines, or fields do not name every
// attribute and block of r's schema; the caller then plans the object.
func planResourceAttrs(ctx context.Context, r *resource, req providers.PlanRequest, fields *schema.Fields) (providers.PlanResponse, bool) {
	pa, ok := r.prov.p.(providers.PlanAttrs)
	if !ok || r.block == nil || !r.coveredBy(fields) {
		return providers.PlanResponse{}, false
	}
	resp, ok := pa.PlanResourceAttrs(ctx, req, &leanConfig{fields: *fields})
	if !ok || resp.Diagnostics.HasErrors() {
		return resp, ok
	}
	return withPlanErrors(r, req.Addr, resp, checkPlannedFields(r.block, r.ty, req.Prior, cty.NilVal, fields, resp.Planned)), true
}

// coveredBy reports whether fields, the attributes r's body evaluates to,
// name every attribute and block of r's schema (the same for every
// instance: the names are the body's).
func (r *resource) coveredBy(fields *schema.Fields) bool {
	r.fieldsOnce.Do(func() {
		if len(fields.Names) != len(r.ty.AttributeTypes()) {
			return
		}
		for name := range r.block.Attributes {
			if _, ok := slices.BinarySearch(fields.Names, name); !ok {
				return
			}
		}
		for name := range r.block.Blocks {
			if _, ok := slices.BinarySearch(fields.Names, name); !ok {
				return
			}
		}
		r.fieldsCover = true
	})
	return r.fieldsCover
}

// withPlanErrors adds to resp an error for each way its planned value
// breaks r's schema.
func withPlanErrors(r *resource, addr string, resp providers.PlanResponse, errs []planError) providers.PlanResponse {
	for _, e := range errs {
		resp.Diagnostics = append(resp.Diagnostics, providers.Diagnostic{
			Severity: providers.Error,
			Summary:  "Provider produced an invalid plan",
			Detail: fmt.Sprintf("Provider %q produced an invalid plan for %s: %s: %s. This is a bug in the provider, not in the configuration; please report it.",
				r.prov.name, addr, pathText(e.path), e.what),
		})
	}
	return resp
}

// planError is one way a planned value breaks its schema.
type planError struct {
	path cty.Path
	what string
}

// checkPlanned reports how planned, a provider's answer to config and
// prior, breaks block, the schema of the type, whose implied type is want. The rules are those of
// Terraform's plan validation, with daftar's one addition:
//
//   - planned is a value of the schema's type, null only when config is;
//   - an attribute the user sets (not computed-only) is planned as
//     configured, or as prior when prior holds it, or left to the provider
//     when computed and unset;
//   - a sensitive or write-only attribute may be planned in its stored
//     form (a masked NIK, a digest), but not dropped: set in the
//     configuration, it is set in the plan, and known when it is;
//   - a nested block is present exactly when configured, and checked the
//     same way.
//
// Values are never written in the errors: they may be personal data.
func checkPlanned(block *providers.Block, want cty.Type, prior, config, planned cty.Value) []planError {
	return checkPlannedFields(block, want, prior, config, nil, planned)
}

// checkPlannedFields is checkPlanned with the attributes of config at hand
// (schema.Fields of the same object; nil when not): the same answer.
func checkPlannedFields(block *providers.Block, want cty.Type, prior, config cty.Value, fields *schema.Fields, planned cty.Value) []planError {
	if planned == cty.NilVal {
		return []planError{{nil, "no planned value"}}
	}
	if !planned.Type().Equals(want) {
		var errs []planError
		for _, err := range planned.Type().TestConformance(want) {
			var path cty.Path
			if pe, ok := err.(cty.PathError); ok {
				path = pe.Path
			}
			errs = append(errs, planError{path, "planned value is not of the schema's type (" + err.Error() + ")"})
		}
		if len(errs) == 0 {
			errs = append(errs, planError{nil, "planned value is not of the schema's type"})
		}
		return errs
	}
	return checkObject(block, prior, config, fields, planned)
}

// checkObject checks one object of block; the paths of its errors are
// relative to it.
func checkObject(block *providers.Block, prior, config cty.Value, fields *schema.Fields, planned cty.Value) []planError {
	configNull, configKnown := config.IsNull(), config.IsKnown()
	if config == cty.NilVal && fields != nil {
		configNull, configKnown = false, true // an object of known attributes, not built
	}
	switch {
	case planned.IsNull() && !configNull:
		return []planError{{nil, "planned no value where the configuration has one"}}
	case !planned.IsNull() && configNull:
		return []planError{{nil, "planned a value where the configuration has none"}}
	case planned.IsNull():
		return nil
	case !planned.IsKnown():
		return []planError{{nil, "planned value is unknown as a whole; only its attributes may be"}}
	}
	if !configKnown {
		return nil // a dynamic block not yet known: nothing to compare
	}
	return checkAttributes(block, prior, config, fields, planned.GetAttr)
}

// checkAttributes checks the attributes and nested blocks of one object
// of block, known and not null, whose planned attributes plannedAttr
// gives.
func checkAttributes(block *providers.Block, prior, config cty.Value, fields *schema.Fields, plannedAttr func(string) cty.Value) []planError {
	hasPrior := prior != cty.NilVal && prior.IsKnown() && !prior.IsNull()
	configAttr := func(name string) cty.Value {
		if fields != nil {
			if v := fields.Attr(name); v != cty.NilVal {
				return v
			}
		}
		return config.GetAttr(name)
	}
	var errs []planError
	for name, a := range block.Attributes {
		var p cty.Value
		if hasPrior {
			p = prior.GetAttr(name)
		}
		if what := checkAttribute(a, p, configAttr(name), plannedAttr(name)); what != "" {
			errs = append(errs, planError{cty.GetAttrPath(name), what})
		}
	}
	for name, nb := range block.Blocks {
		p := cty.NilVal
		if hasPrior {
			p = prior.GetAttr(name)
		}
		for _, e := range checkObject(&nb.Block, p, configAttr(name), nil, plannedAttr(name)) {
			errs = append(errs, planError{append(cty.GetAttrPath(name), e.path...), e.what})
		}
	}
	return errs
}

// checkPlannedVals is checkPlannedFields of a create (no prior) whose
// configuration is fields only and whose planned value is given as its
// attributes too: planned holds the values of the attributes fields.Names
// (every attribute of want, see resource.coveredBy). No object is built.
// ok is false when planned is not of want's attributes and types (or want
// has optional attributes): the caller then checks the planned object, for
// checkPlannedFields's errors about its type.
func checkPlannedVals(block *providers.Block, want cty.Type, fields *schema.Fields, planned []cty.Value) (errs []planError, ok bool) {
	if !want.IsObjectType() || len(want.OptionalAttributes()) > 0 || len(planned) != len(fields.Names) {
		return nil, false
	}
	atys := want.AttributeTypes()
	if len(atys) != len(planned) {
		return nil, false
	}
	for i, name := range fields.Names {
		if aty, ok := atys[name]; !ok || planned[i] == cty.NilVal || !planned[i].Type().Equals(aty) {
			return nil, false
		}
	}
	p := schema.Fields{Names: fields.Names, Vals: planned}
	return checkAttributes(block, cty.NilVal, cty.NilVal, fields, p.Attr), true
}

// planCreateFields is planResourceAttrs for a provider that answers the
// planned value as its attributes (providers.PlanFields): planned holds
// them, in the order of fields.Names, and resp.Planned is cty.NilVal. ok
// is false when the provider does not plan so, or declines; planned is
// nil when the check needs the object after all (see checkPlannedVals):
// resp.Planned is then the planned object, checked.
func planCreateFields(ctx context.Context, r *resource, req providers.PlanRequest, fields *schema.Fields) (resp providers.PlanResponse, planned []cty.Value, ok bool) {
	pf, ok := r.prov.p.(providers.PlanFields)
	if !ok || r.block == nil || !r.coveredBy(fields) {
		return resp, nil, false
	}
	resp, planned, ok = pf.PlanResourceFields(ctx, req, &leanConfig{fields: *fields}, fields.Names)
	if !ok || resp.Diagnostics.HasErrors() {
		return resp, nil, ok
	}
	if resp.Existing == nil {
		if errs, checked := checkPlannedVals(r.block, r.ty, fields, planned); checked {
			return withPlanErrors(r, req.Addr, resp, errs), planned, true
		}
	}
	resp.Planned = objectOfFields(fields.Names, planned)
	return withPlanErrors(r, req.Addr, resp, checkPlannedFields(r.block, r.ty, req.Prior, cty.NilVal, fields, resp.Planned)), nil, true
}

// checkAttribute says what is wrong with one planned attribute, or "".
// prior is cty.NilVal when there is no prior value.
func checkAttribute(a *providers.Attribute, prior, config, planned cty.Value) string {
	switch {
	case planned.RawEquals(config):
		return ""
	case prior != cty.NilVal && !config.IsNull() && planned.RawEquals(prior):
		return "" // the provider keeps the prior value as equivalent
	case a.Computed && !a.Optional:
		return "" // the provider's to set
	case config.IsNull() && a.Computed:
		return "" // a default the provider fills
	case config.IsNull():
		return "planned a value for an attribute the configuration leaves unset, which the schema does not mark computed"
	case !config.IsKnown():
		if planned.IsKnown() {
			return "planned a known value where the configuration's is known only after apply"
		}
		return ""
	case a.Sensitive || a.WriteOnly:
		// Planned in its stored form (masked, digested), but planned.
		if planned.IsNull() {
			return "planned value dropped: the configuration sets it"
		}
		return ""
	case planned.IsNull():
		return "planned value dropped: the configuration sets it"
	}
	return "planned value does not match config"
}

// pathText spells a path as ".basic_profile.gender" (the whole value is
// "the value").
func pathText(path cty.Path) string {
	if len(path) == 0 {
		return "the value"
	}
	return "." + pathString(path)
}

// objectOfFields is the object whose attributes are names and planned,
// a provider's answer to PlanResourceFields: an attribute it left out
// (fewer values than names, or cty.NilVal) is not in the object, whose
// type then is not the schema's (checkPlanned says so).
func objectOfFields(names []string, planned []cty.Value) cty.Value {
	m := make(map[string]cty.Value, len(names))
	for i, name := range names {
		if i < len(planned) && planned[i] != cty.NilVal {
			m[name] = planned[i]
		}
	}
	return cty.ObjectVal(m)
}
