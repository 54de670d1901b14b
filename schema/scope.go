package schema

import (
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Data supplies the values of the objects expressions refer to. The
// planner implements it; values may be unknown (known after apply).
type Data interface {
	// Local returns the value of local.NAME; false means it has not been
	// evaluated yet, which is a bug in the caller's ordering.
	Local(name string) (cty.Value, bool)
	// Resource returns the whole value of a resource or data source: an
	// object for a single instance, a tuple for count, an object keyed by
	// the for_each keys for for_each. The value should be built once and
	// handed out many times: it is not copied.
	Resource(addr addrs.Resource) (cty.Value, bool)
}

// VersionedData is Data that counts its changes: Version changes whenever
// a local's or a resource's value does. With it, a Scope builds the value
// of a module call (module.hire, an object of every instance's outputs)
// once per version instead of once per expression that reads it: a
// for_each of n instances each reading module.hire[each.key] would
// otherwise cost n times the n instances.
type VersionedData interface {
	Data
	Version() uint64
}

// Repetition holds the values of count.index, each.key and each.value for
// one instance; each is cty.NilVal when absent. It is small: a batch's
// instances each hold one from the pre-pass to the end of a plan (a
// million of them, 120 bytes each and each.key boxed again, were 154 MB
// of the pre-pass's peak), so an instance of a table's row (RowRepetition)
// holds its row alone, its key read from the row, and the values of
// another instance are behind one pointer.
type Repetition struct {
	vals *repetitionValues
	// EachRow is the row of an instance of a resource whose for_each is
	// a CSVTable's local (EachValue is then NilVal: read each.value with
	// Each).
	EachRow TableRow
	// Module is the module instance whose expression is evaluated, nil
	// for the root module.
	Module *ModuleInstance
}

type repetitionValues struct {
	countIndex, eachKey, eachValue cty.Value
}

// CountRepetition is the repetition of the instance of count.index i, in
// the module instance mi (nil for the root module).
func CountRepetition(i cty.Value, mi *ModuleInstance) Repetition {
	return Repetition{vals: &repetitionValues{countIndex: i}, Module: mi}
}

// EachRepetition is the repetition of the instance of each.key key and
// each.value value, in the module instance mi (nil for the root module).
func EachRepetition(key, value cty.Value, mi *ModuleInstance) Repetition {
	return Repetition{vals: &repetitionValues{eachKey: key, eachValue: value}, Module: mi}
}

// RowRepetition is the repetition of the instance of a table's row: its
// each.key is the row's key, its each.value the row.
func RowRepetition(row TableRow) Repetition { return Repetition{EachRow: row} }

// CountIndex is count.index, cty.NilVal when absent.
func (r Repetition) CountIndex() cty.Value {
	if r.vals == nil {
		return cty.NilVal
	}
	return r.vals.countIndex
}

// EachKey is each.key, cty.NilVal when absent: a table's row's key is
// made a value when read.
func (r Repetition) EachKey() cty.Value {
	if r.vals == nil {
		if r.EachRow.IsRow() {
			return cty.StringVal(r.EachRow.Key())
		}
		return cty.NilVal
	}
	return r.vals.eachKey
}

// eachKeyString is each.key as a Go string when the instance is a table's
// row's: the string EachKey's value holds, without the value.
func (r Repetition) eachKeyString() (string, bool) {
	if r.vals != nil || !r.EachRow.IsRow() {
		return "", false
	}
	return cty.NormalizeString(r.EachRow.Key()), true
}

// hasEachKey reports whether each.key has a value, without making it.
func (r Repetition) hasEachKey() bool {
	if r.vals == nil {
		return r.EachRow.IsRow()
	}
	return r.vals.eachKey != cty.NilVal
}

// EachValue is each.value as given (EachRepetition), cty.NilVal for a
// table's row: read each.value with Each.
func (r Repetition) EachValue() cty.Value {
	if r.vals == nil {
		return cty.NilVal
	}
	return r.vals.eachValue
}

// Each is each.value: EachValue, or EachRow's value built (cty.NilVal
// when the instance has neither).
func (r Repetition) Each() cty.Value {
	if v := r.EachValue(); v != cty.NilVal || !r.EachRow.IsRow() {
		return v
	}
	return r.EachRow.Value()
}

// hasEach reports whether each.value has a value, without building it.
func (r Repetition) hasEach() bool {
	return r.EachValue() != cty.NilVal || r.EachRow.IsRow()
}

// Scope evaluates expressions of a configuration. It is safe for
// concurrent use when Data is.
type Scope struct {
	Config *Config
	// Vars are the values of the input variables (see ResolveVariables).
	Vars map[string]cty.Value
	Data Data
	// BaseDir is path.module and the directory file functions read from;
	// Config.Dir when empty.
	BaseDir string
	// PlanTime is what timestamp() and plantimestamp() return; zero makes
	// them unknown.
	PlanTime time.Time

	// bodies caches what EvalBody finds in each body before evaluating
	// it: a batch evaluates one resource body once per instance, and both
	// its references and its content (the attributes and blocks the spec
	// asks for) are the same every time. A Scope must not be copied after
	// first use.
	bodies sync.Map // bodyKey → *preparedBody
	// modules holds the instances of each module call (ModuleInstances).
	modules sync.Map // moduleInstancesKey → []*ModuleInstance
	// moduleValues holds the value of each module call as its caller
	// sees it, with the Data version it was built at (see VersionedData).
	moduleValues sync.Map // moduleValueKey → versionedValue
}

// bodyKey identifies a body decoded with a spec.
type bodyKey struct {
	body hcl.Body
	spec uintptr
}

// preparedBody is a body with its references and content found once.
type preparedBody struct {
	refs      []*Reference
	refsDiags hcl.Diagnostics
	content   contentBody
	// compiled is the spec matched against the content, nil when hcldec
	// decodes the body (see compileObject).
	compiled *compiledObject
	// dynamic is set for a body with dynamic blocks, whose content is
	// expanded per instance (its for_each may use each); content is then
	// empty and compiled nil.
	dynamic bool
}

// contentBody is a body whose content is already known: hcldec asks for
// it with the schema of the spec it was found with, every time.
type contentBody struct {
	hcl.Body
	content *hcl.BodyContent
	diags   hcl.Diagnostics
}

func (b contentBody) Content(*hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	return b.content, b.diags
}

// EvalExpr evaluates expr for one instance and converts the result to want
// (cty.DynamicPseudoType: no conversion).
func (s *Scope) EvalExpr(expr hcl.Expression, want cty.Type, rep Repetition) (cty.Value, hcl.Diagnostics) {
	if want == cty.NilType || want == cty.DynamicPseudoType {
		if v, ok := s.columnsLength(expr, rep); ok {
			return v, nil // length(R) of a resource held as columns
		}
	}
	refs, diags := ReferencesInExpr(expr)
	ctx, moreDiags := s.evalContext(refs, rep)
	diags = append(diags, moreDiags...)
	if diags.HasErrors() {
		return cty.UnknownVal(want), diags
	}
	val, ok := fastLength(expr, ctx)
	moreDiags = nil
	if !ok {
		val, moreDiags = expr.Value(ctx)
		diags = append(diags, s.withDuplicateRows(expandCSVErrors(moreDiags))...)
	}
	if want == cty.NilType || want == cty.DynamicPseudoType || moreDiags.HasErrors() {
		return val, diags
	}
	converted, err := convert.Convert(val, want)
	if err != nil {
		return cty.UnknownVal(want), append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Incorrect value type",
			Detail:      fmt.Sprintf("The value must be %s: %s.", typeexpr.TypeString(want), err),
			Subject:     expr.Range().Ptr(),
			Expression:  expr,
			EvalContext: ctx,
		})
	}
	return converted, diags
}

// EvalBody decodes body with spec for one instance. To evaluate a body for
// many instances, use a BodyEvaluator.
func (s *Scope) EvalBody(body hcl.Body, spec hcldec.Spec, rep Repetition) (cty.Value, hcl.Diagnostics) {
	return s.BodyEvaluator(body, spec).Eval(rep)
}

// prepare finds the references and the content of body, once per body
// and spec where both can be told apart by identity (syntax bodies are
// pointers, object specs maps).
func (s *Scope) prepare(body hcl.Body, spec hcldec.Spec) *preparedBody {
	key, ok := bodyKeyOf(body, spec)
	if ok {
		if pb, ok := s.bodies.Load(key); ok {
			return pb.(*preparedBody)
		}
	}
	pb := &preparedBody{content: contentBody{Body: body}}
	pb.refs, pb.refsDiags = ReferencesInBody(body, spec)
	switch {
	case hasDynamicBlocks(body):
		pb.dynamic = true // its blocks depend on the instance: see BodyEvaluator.Eval
	case body != nil:
		pb.content.content, pb.content.diags = body.Content(hcldec.ImpliedSchema(spec))
		if _, syntax := body.(*hclsyntax.Body); syntax {
			pb.compiled, _ = compileObject(spec, pb.content.content, pb.content.diags)
		}
	}
	if ok {
		s.bodies.Store(key, pb)
	}
	return pb
}

func bodyKeyOf(body hcl.Body, spec hcldec.Spec) (bodyKey, bool) {
	b, ok := body.(*hclsyntax.Body)
	sv := reflect.ValueOf(spec)
	if !ok || b == nil || (sv.Kind() != reflect.Map && sv.Kind() != reflect.Pointer) {
		return bodyKey{}, false
	}
	return bodyKey{body: b, spec: sv.Pointer()}, true
}

// baseDir is the directory of path.module and the file functions.
func (s *Scope) baseDir() string {
	if s.BaseDir != "" {
		return s.BaseDir
	}
	if s.Config != nil && s.Config.Dir != "" {
		return s.Config.Dir
	}
	return "."
}

// evalContext builds a context holding only what refs refer to.
func (s *Scope) evalContext(refs []*Reference, rep Repetition) (*hcl.EvalContext, hcl.Diagnostics) {
	b := newContextBuilder()
	var diags hcl.Diagnostics
	for _, ref := range refs {
		if d := s.add(b, ref, rep); d != nil {
			diags = append(diags, d)
		}
	}
	// In a module too, relative paths are relative to the root
	// configuration directory (Terraform's are to the working directory):
	// path.module names the module's own files.
	return b.build(FunctionsAt(s.baseDir(), s.PlanTime)), diags
}

// add puts the value ref refers to into b.
func (s *Scope) add(b *contextBuilder, ref *Reference, rep Repetition) *hcl.Diagnostic {
	if rep.Module != nil {
		return s.addInModule(b, ref, rep)
	}
	if d := s.Config.checkReference(ref); d != nil {
		return d
	}
	switch ref.Kind {
	case RefVar:
		return s.addVar(b, ref)
	case RefLocal:
		return s.addLocal(b, ref)
	case RefResource:
		return s.addResource(b, ref)
	case RefCount:
		return addRepetition(b, ref, "count", rep.CountIndex())
	case RefEach:
		return addRepetition(b, ref, "each", eachValue(rep, ref.Name))
	case RefPath:
		return s.addPath(b, ref)
	case RefModule:
		v, diags := s.moduleValue(s.Config.Calls[ref.Name], nil)
		b.set(v, "module", ref.Name)
		return firstError(diags)
	}
	panic(fmt.Sprintf("schema: reference kind %d not handled", ref.Kind))
}

func (s *Scope) addVar(b *contextBuilder, ref *Reference) *hcl.Diagnostic {
	v, ok := s.Vars[ref.Name]
	if !ok {
		v = cty.DynamicVal // an invalid value, already reported by ResolveVariables
	}
	b.set(v, "var", ref.Name)
	return nil
}

func (s *Scope) addLocal(b *contextBuilder, ref *Reference) *hcl.Diagnostic {
	v, ok := s.Data.Local(ref.Name)
	if !ok {
		return notReady(ref)
	}
	b.set(v, "local", ref.Name)
	return nil
}

func (s *Scope) addResource(b *contextBuilder, ref *Reference) *hcl.Diagnostic {
	v, ok := s.Data.Resource(ref.Resource)
	if !ok {
		return notReady(ref)
	}
	v = Whole(v)
	if ref.Resource.Mode == addrs.Data {
		b.set(v, "data", ref.Resource.Type, ref.Resource.Name)
	} else {
		b.set(v, ref.Resource.Type, ref.Resource.Name)
	}
	return nil
}

// eachValue is each.NAME: each.key, each.value, or cty.NilVal for any
// other name (which checkReference reports).
func eachValue(rep Repetition, name string) cty.Value {
	switch name {
	case "key":
		return rep.EachKey()
	case "value":
		return rep.Each()
	}
	return cty.NilVal
}

// addRepetition sets count.index, each.key or each.value, which exist only
// in a block with count or for_each.
func addRepetition(b *contextBuilder, ref *Reference, root string, v cty.Value) *hcl.Diagnostic {
	if v == cty.NilVal {
		meta := map[string]string{"count": "count", "each": "for_each"}[root]
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Reference to %q in a block without %s", ref.String(), meta),
			Detail:   fmt.Sprintf("The %q object exists only in a resource or data block that sets the %s argument.", root, meta),
			Subject:  ref.Range.Ptr(),
		}
	}
	b.set(v, root, ref.Name)
	return nil
}

// addPath sets path.module, path.root (the configuration directory) or
// path.cwd (the process's working directory).
func (s *Scope) addPath(b *contextBuilder, ref *Reference) *hcl.Diagnostic {
	dir := s.baseDir()
	if ref.Name == "cwd" {
		wd, err := os.Getwd()
		if err != nil {
			return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read the working directory", Detail: err.Error(), Subject: ref.Range.Ptr()}
		}
		dir = wd
	}
	b.set(cty.StringVal(dir), "path", ref.Name)
	return nil
}

// notReady reports a reference whose value the Data does not have yet: a
// bug in the evaluation order.
func notReady(ref *Reference) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to a value not yet known",
		Detail:   fmt.Sprintf("%s was evaluated before %s, which it refers to. This is a bug in daftar; please report it.", "This expression", ref.String()),
		Subject:  ref.Range.Ptr(),
	}
}
