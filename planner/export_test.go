package planner

// SetObjectless turns the pre-pass's evaluation of configurations as their
// attributes on or off, and returns what turns it back.
func SetObjectless(on bool) (restore func()) {
	was := objectless
	objectless = on
	return func() { objectless = was }
}

// SetBatchInstances sets how many instances a resource has at most
// before its creates are packed, and returns what sets it back.
func SetBatchInstances(n int) (restore func()) {
	was := batchInstances
	batchInstances = n
	return func() { batchInstances = was }
}
