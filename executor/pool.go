package executor

import "sync"

// pool runs the changes of an apply on at most n goroutines, each started
// when no other is idle and kept until Wait: as errgroup with SetLimit(n)
// (Go blocks until a worker is free), but a change runs on a goroutine
// whose stack has already grown to what a request needs (the HTTP client,
// the audit log, the journal), rather than on a new one that grows it by
// copying (about 3 % of an unthrottled apply's CPU).
type pool struct {
	n, started int // used by the one goroutine that calls Go
	work       chan func() error
	wg         sync.WaitGroup
}

func newPool(n int) *pool {
	return &pool{n: max(n, 1), work: make(chan func() error)}
}

// Go runs f on an idle worker, a new one while there are fewer than n, or
// the first to become idle, waiting for it. Go is called by one goroutine.
// f's error is not looked at (the changes report their own).
func (p *pool) Go(f func() error) {
	select {
	case p.work <- f:
		return
	default:
	}
	if p.started < p.n {
		p.started++
		p.wg.Add(1)
		go p.worker(f)
		return
	}
	p.work <- f
}

func (p *pool) worker(f func() error) {
	defer p.wg.Done()
	for ok := true; ok; f, ok = <-p.work {
		_ = f()
	}
}

// Wait waits for every f given to Go to return and stops the workers; Go
// must not be called after it.
func (p *pool) Wait() {
	close(p.work)
	p.wg.Wait()
}
