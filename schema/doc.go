// Package schema owns the daftar language: it reads a configuration (every
// *.hcl and *.hcl.json file of a directory, parsed with one
// hclparse.Parser) into typed blocks that keep their source ranges
// (Load, Config); resolves input variables from defaults, DAFTAR_VAR_*,
// -var-file and -var (Config.ResolveVariables); provides the language's
// functions (Functions); extracts the references of expressions and bodies
// for the dependency graph (ReferencesInExpr, ReferencesInBody); evaluates
// them for one instance (Scope), decodes block bodies with a provider's
// schema (DecoderSpec); formats files (Format, FormatDir); and prints
// diagnostics with their source snippets (Config.WriteDiagnostics).
//
// It does not decide the order of evaluation nor hold the values of
// resources: the planner does, and hands them in through the Data
// interface. It knows nothing of state files, plans or HTTP, and reports
// every problem as an hcl.Diagnostic with a source range.
//
// Concurrency: a loaded configuration is read by many goroutines (the planner
// evaluates instances in parallel); the files read by file() and csvdecode
// are cached under a mutex. The package starts no goroutine.
package schema
