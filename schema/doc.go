// Package schema reads a daftar configuration: every *.hcl file of a
// directory, parsed with one hclparse.Parser, into typed blocks that keep
// their source ranges (Config). It also owns the language's functions and
// the values of input variables.
//
// It does not evaluate references between blocks (the planner does), knows
// nothing of state files or HTTP, and reports every problem as an
// hcl.Diagnostic with a source range.
package schema
