package schema

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// Config is the static configuration of a working directory: every block of
// every *.hcl file, decoded as far as it can be without evaluating
// expressions that depend on other blocks.
type Config struct {
	// Dir is the configuration directory; file functions resolve relative
	// paths against it.
	Dir string
	// Files maps each file name (as given to the parser, relative to the
	// process's working directory) to its parsed file, for diagnostics.
	Files map[string]*hcl.File
	// Sources maps each file name to its bytes, for diagnostics snippets.
	Sources map[string][]byte

	Variables map[string]*Variable
	Locals    map[string]*Local
	Providers map[string]*Provider
	// Resources holds managed resources and data sources, keyed by
	// addrs.Resource.
	Resources map[addrs.Resource]*Resource
	Outputs   map[string]*Output
	// Checks are the check blocks, by name.
	Checks map[string]*Check
	// Imports are the import blocks, in file order.
	Imports []*Import
	// Moved are the moved blocks, in file order.
	Moved []*Moved
	// Removed are the removed blocks, in file order.
	Removed []*Removed
	// Settings is the daftar block (backend, state encryption), nil when
	// absent.
	Settings *Settings
	// Calls are the module blocks, by name.
	Calls map[string]*ModuleCall
	// Call is the module block that called this configuration; nil for the
	// root module.
	Call *ModuleCall
	// Path is the module path of a called module (addrs.Resource.Module),
	// "" for the root.
	Path string

	// parser parsed every file of the configuration and parses the var
	// files later, so diagnostics can show a snippet of any of them.
	parser *hclparse.Parser
}

// Parser is the parser that read the configuration. Var files are parsed
// with it too, so that diagnostics can print a snippet of any file. It is
// not safe for concurrent use.
func (c *Config) Parser() *hclparse.Parser {
	return c.parser
}

// Variable is a variable block.
type Variable struct {
	Name        string
	Description string
	// Type is the type constraint (cty.DynamicPseudoType when none is
	// given); Default is cty.NilVal when there is no default.
	Type cty.Type
	// TypeDefaults holds the defaults of optional object attributes
	// declared in Type (optional(string, "x")), nil when there are none.
	TypeDefaults *typeexpr.Defaults
	Default      cty.Value
	Sensitive    bool
	// Nullable is false when the block says nullable = false: a null
	// value then means the default, or is an error when there is none.
	Nullable    bool
	Validations []*Validation
	DeclRange   hcl.Range

	// parseHCL says how a -var or DAFTAR_VAR_ value is read: as an HCL
	// expression (complex types) or literally as a string (primitive
	// types, or no type at all), as Terraform does.
	parseHCL bool
}

// Validation is a validation block of a variable.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Local is one attribute of a locals block.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

// Provider is a provider block. Its body is decoded by the planner with the
// provider's schema.
type Provider struct {
	Name      string
	Config    hcl.Body
	DeclRange hcl.Range
	NameRange hcl.Range
}

// Resource is a resource or data block.
type Resource struct {
	Addr addrs.Resource
	// Count and ForEach are nil when absent; at most one is set.
	Count   hcl.Expression
	ForEach hcl.Expression
	// DependsOn lists the references of depends_on, already checked to be
	// resource or data addresses.
	DependsOn []hcl.Traversal
	// IgnoreChanges lists the attribute paths of lifecycle.ignore_changes;
	// IgnoreAllChanges is set by ignore_changes = all.
	IgnoreChanges    []hcl.Traversal
	IgnoreAllChanges bool
	// Preconditions and Postconditions are the lifecycle's condition
	// blocks, checked before and after each instance is planned (and
	// postconditions again after apply when only apply can tell).
	Preconditions  []*Condition
	Postconditions []*Condition
	// Config is the block's body without the meta-arguments, for the
	// planner to decode with the provider's schema.
	Config    hcl.Body
	DeclRange hcl.Range
	TypeRange hcl.Range
	// Module is the called module that declares the resource, nil for the
	// root module. Its expressions are evaluated in that module's context
	// (Repetition.Module), its references checked against it.
	Module *Config
	// Check names the check block a data source is nested in ("" for a
	// top-level block): it may be referred to from that check only, and a
	// failed read is a warning.
	Check string
}

// Output is an output block.
type Output struct {
	Name        string
	Expr        hcl.Expression
	Description string
	Sensitive   bool
	DependsOn   []hcl.Traversal
	// Preconditions are checked before the output is recorded.
	Preconditions []*Condition
	DeclRange     hcl.Range
}

// Settings is the daftar block: where the state lives and how it is
// protected. Later issues fill it (backend "postgres", state encryption).
type Settings struct {
	Backend *Backend
	// Encryption is the encryption block, nil when absent.
	Encryption *Encryption
	DeclRange  hcl.Range
}

// Backend is a backend block inside the daftar block.
type Backend struct {
	Type      string
	Config    hcl.Body
	DeclRange hcl.Range
}
