// Package plans owns the plan: the plain value the planner computes, the
// renderers show, -out saves and apply carries out.
//
// Computing a plan writes nothing; rendering it is package render's job;
// saving it is serialising this value (see file.go). A plan holds no secret:
// write-only inputs appear as the providers' keyed digests, and sensitive
// attributes are listed so that renderers can hide them.
//
// A plan file (file.go, filewrite.go, fileread.go) is written and read one
// change at a time: SaveSealed streams it, CheckSeal checks its seal
// without decoding, and a Reader hands its changes out one by one (Load and
// Reader.ReadAll gather them into a Plan, as apply PLANFILE does).
//
// Concurrency: a Plan is built by one goroutine and read by many. Saving a
// plan encodes its changes a chunk at a time on every core (an errgroup,
// one worker per core, each with its own cache of the shared type table),
// and Plan.Read decodes deferred values under an errgroup with
// SetLimit(GOMAXPROCS). A Reader is for one goroutine.
package plans
