// Package command is daftar's command line: it parses the commands and
// flags of the contract, wires the concrete providers, transports, state
// backend and renderers together, and turns every failure into a
// diagnostic or one clear line and an exit code.
//
// It is the only package that knows all the others; none imports it.
package command
