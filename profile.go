package main

import (
	"bytes"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// peakHeap keeps the heap profile taken when the live heap (what the last
// garbage collection found reachable) was largest, for DAFTAR_MEMPROFILE:
// a profile written at exit shows what is held then, which is nothing once
// a command has returned; this one shows what a command's peak held.
type peakHeap struct {
	mu      sync.Mutex
	profile []byte
	peak    uint64
	stop    chan struct{}
	done    chan struct{}
}

// startPeakHeap samples the live heap every interval and takes a profile
// each time it has grown by a tenth over the last one taken.
func startPeakHeap(interval time.Duration) *peakHeap {
	p := &peakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				continue
			}
			if live := sample[0].Value.Uint64(); live > p.peak+p.peak/10 {
				var buf bytes.Buffer
				if pprof.Lookup("heap").WriteTo(&buf, 0) == nil {
					p.mu.Lock()
					p.peak, p.profile = live, buf.Bytes()
					p.mu.Unlock()
				}
			}
		}
	}()
	return p
}

// finish stops sampling and returns the profile of the peak (nil when the
// command ended before the first sample).
func (p *peakHeap) finish() []byte {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.profile
}
