package executor

// SetBackfillBatch sets how many records one write of recordDigests holds
// until the test ends (restore is deferred by the caller).
func SetBackfillBatch(n int) (restore func()) {
	old := backfillBatch
	backfillBatch = n
	return func() { backfillBatch = old }
}
