package httpx

import (
	"sync/atomic"
)

// Budget bounds the retries of a whole run, across all requests and
// providers that share it: when it is spent, failures are returned as they
// are. It is safe for concurrent use. A nil *Budget is unlimited.
type Budget struct {
	max    int64
	used   atomic.Int64
	denied atomic.Int64
}

// NewBudget allows max retries in all.
func NewBudget(max int) *Budget {
	return &Budget{max: int64(max)}
}

// take spends one retry, reporting false when none is left.
func (b *Budget) take() bool {
	if b == nil {
		return true
	}
	for {
		n := b.used.Load()
		if n >= b.max {
			b.denied.Add(1)
			return false
		}
		if b.used.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Used is the number of retries made, for the run's final report.
func (b *Budget) Used() int {
	if b == nil {
		return 0
	}
	return int(b.used.Load())
}

// Denied is the number of retries wanted after the budget was spent.
func (b *Budget) Denied() int {
	if b == nil {
		return 0
	}
	return int(b.denied.Load())
}

// Max is the number of retries the budget allows, -1 for a nil Budget.
func (b *Budget) Max() int {
	if b == nil {
		return -1
	}
	return int(b.max)
}
