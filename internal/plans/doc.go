// Package plans owns the plan: the plain value the planner computes, the
// renderers show, -out saves and apply carries out.
//
// Computing a plan writes nothing; rendering it is package render's job;
// saving it is serialising this value (see file.go). A plan holds no secret:
// write-only inputs appear as the providers' keyed digests, and sensitive
// attributes are listed so that renderers can hide them.
//
// Concurrency: a Plan is built by one goroutine and read by many. Saving a
// plan encodes its changes on every core (an errgroup, one worker per core,
// each with its own type table), and Plan.Read decodes deferred values under
// an errgroup with SetLimit(GOMAXPROCS).
package plans
