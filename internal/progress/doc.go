// Package progress counts an apply's changes per provider while they run
// and shows the counts: a live display of one bar per provider on a
// terminal (Display), a line at intervals in a log (Logger), or snapshots
// that the command line turns into -json events (Tracker.Providers).
//
// It knows nothing of plans, providers or the executor: the command line
// feeds a Tracker from the executor's hooks. It must not print anything on
// its own initiative but through the writer it is given, and nothing it
// shows may carry a resource's values (only counts, rates and times).
//
// Concurrency: the executor's workers report to a Tracker (mutex-guarded)
// from many goroutines; one goroutine per display (the log line at intervals)
// reads it.
package progress
