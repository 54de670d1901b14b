// Package executor carries out a plan: it walks the changes in dependency
// order with bounded parallelism, calls the providers, and records each
// outcome in the state as it happens (one durable Backend.Apply per
// outcome). Before a create it records an intent, so that a create whose
// answer is lost is resolved against the remote instead of being sent
// twice. The intent is written while the provider builds the request: the
// request waits for it in the transport (httpx.WithIntent), so a provider
// must send through the client it was configured with.
//
// Its input is the plan value (plans.Plan: the changes, their DependsOn,
// which of them only write the state), an Evaluator for what only the
// configuration can tell, and Options (backend, state, providers,
// digester). Apply runs a plan in this process; Join runs it as one worker
// of a batch other processes share (PlanBatch, Queue).
//
// What runs concurrently: up to Options.Parallelism changes, each on a
// pooled goroutine (Apply hands them ready changes through a channel;
// Join claims no more than its free slots); a create's intent write beside
// its provider call; the evaluator's methods for different changes; the
// hooks. The report, the in-memory state and the
// schedule's counters are guarded by mutexes.
//
// It does not plan, render or print: progress goes through Hooks and
// problems into the Report. It does not compact the state; the caller does
// (Backend.Compact) once Apply returns.
package executor
