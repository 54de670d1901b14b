package planner

// SetObjectless turns the pre-pass's evaluation of configurations as their
// attributes on or off, and returns what turns it back.
func SetObjectless(on bool) (restore func()) {
	was := objectless
	objectless = on
	return func() { objectless = was }
}
