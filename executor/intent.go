package executor

import (
	"errors"

	"github.com/daftar-dev/daftar/state"
)

// intentWrite is a create's intent being made durable while its request is
// built and recorded as sent (the audit log's own fsync): the request waits
// for it in the transport (httpx.WithIntent) right before it leaves. The
// two writes go to two files, and overlapping them takes one of a create's
// four waits for a disk off its time, which bounds an unlimited apply's
// rate at a given parallelism.
type intentWrite struct {
	done chan struct{}
	err  error
}

// errIntentPanicked answers the requests of a create whose intent write
// panicked (the panic itself is reported as the apply's crash).
var errIntentPanicked = errors.New("internal error: writing the intent panicked")

// persistIntent starts recording u, a create's intent, as persist does.
func (a *applier) persistIntent(u state.Update) *intentWrite {
	w := &intentWrite{done: make(chan struct{})}
	go func() {
		defer a.crash.Recover(func() { w.err = errIntentPanicked; close(w.done) })
		w.err = a.persist(u)
		close(w.done)
	}()
	return w
}

// wait returns once the intent is durable, or why it is not.
func (w *intentWrite) wait() error {
	<-w.done
	return w.err
}
