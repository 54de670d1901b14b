package planner

import "github.com/zclconf/go-cty/cty"

// SetObjectless turns the pre-pass's evaluation of configurations as their
// attributes on or off, and returns what turns it back.
func SetObjectless(on bool) (restore func()) {
	was := objectless
	objectless = on
	return func() { objectless = was }
}

// SetTransportOut makes the configuration digests leave the provider's
// transport settings out (on, as daftar does) or keep them (as an older
// daftar did), and returns what sets it back.
func SetTransportOut(on bool) (restore func()) {
	was := transportOut
	transportOut = on
	return func() { transportOut = was }
}

// SetBatchInstances sets how many instances a resource has at most
// before its creates are packed, and returns what sets it back.
func SetBatchInstances(n int) (restore func()) {
	was := batchInstances
	batchInstances = n
	return func() { batchInstances = was }
}

// OnPredictedWhole calls fn with each resource value the walk takes over
// from the pre-pass's prediction and the value it would have built, and
// returns what stops it.
func OnPredictedWhole(fn func(addr string, taken, built cty.Value)) (restore func()) {
	was := predictedWholeTaken
	predictedWholeTaken = fn
	return func() { predictedWholeTaken = was }
}

// ResourceValues are the values the walk gave r's resources, which
// their dependents, the outputs and the checks read, by address.
func ResourceValues(r *Result) map[string]cty.Value {
	out := map[string]cty.Value{}
	for a, res := range r.p.res {
		out[a.String()] = res.value
	}
	return out
}

// StepValues are the values dependents see of each step of r (Steps, so
// with the instances kept compactly made), by address.
func StepValues(r *Result) map[string]cty.Value {
	out := map[string]cty.Value{}
	for _, s := range r.Steps() {
		out[s.Addr()] = s.value
	}
	return out
}

// SetPredicting turns the pre-pass's predictions on or off, and returns
// what turns them back.
func SetPredicting(on bool) (restore func()) {
	was := predicting
	predicting = on
	return func() { predicting = was }
}

// OnPredictedHoles calls fn with each resource the pre-pass predicted
// with holes, and how many, and returns what stops it.
func OnPredictedHoles(fn func(addr string, n int)) (restore func()) {
	was := predictedHoles
	predictedHoles = fn
	return func() { predictedHoles = was }
}

// OnPreRemade calls fn with each instance the pre-pass keeps without a
// step for the walk to make it again from its record (remadeByWalk), and
// returns what stops it.
func OnPreRemade(fn func(addr string)) (restore func()) {
	was := preRemade
	preRemade = fn
	return func() { preRemade = was }
}

// SetRemaking lets the pre-pass keep refreshed instances for the walk to
// make again (on, as daftar does) or keeps their steps, and returns what
// sets it back.
func SetRemaking(on bool) (restore func()) {
	was := remaking
	remaking = on
	return func() { remaking = was }
}

// LazyOutcomeBytes counts the refreshed no-ops r's lazy blocks keep and
// the bytes of their kept values (shareOutcome).
func LazyOutcomeBytes(r *Result) (n, bytes int) {
	for _, res := range r.p.res {
		if lz := res.lazy; lz != nil {
			for _, o := range lz.outs {
				if o.attrs != nil {
					n++
					bytes += int(o.n)
				}
			}
		}
	}
	return n, bytes
}
