// Package graph is a small directed graph of comparable keys: topological
// order (dependencies first) and the cycles that prevent one.
//
// It knows nothing of HCL, resources or plans; the planner and executor
// name the nodes. It is not safe for concurrent mutation.
package graph
