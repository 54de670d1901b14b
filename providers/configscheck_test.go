package providers_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/providers"
)

// TestRepeatsOrder: configurations added concurrently and out of order are
// compared in their order; the repeat is the one of higher order, naming
// the lowest that had the key first.
func TestRepeatsOrder(t *testing.T) {
	var r providers.Repeats[string]
	keys := map[int64]string{0: "ani", 1: "budi", 2: "ani", 3: "cici", 4: "budi", 5: "ani"}
	var wg sync.WaitGroup
	for order := int64(5); order >= 0; order-- {
		wg.Go(func() { r.Add(order, fmt.Sprintf("a[%d]", order), keys[order], strings.ToUpper(keys[order])) })
	}
	wg.Wait()
	var got []string
	r.Each(func(addr, first, key, shown string) {
		got = append(got, addr+" repeats "+first+" ("+key+", "+shown+")")
	})
	want := []string{"a[2] repeats a[0] (ani, ANI)", "a[4] repeats a[1] (budi, BUDI)", "a[5] repeats a[0] (ani, ANI)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("repeats:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRepeatsMany: more configurations than one chunk holds are all
// compared.
func TestRepeatsMany(t *testing.T) {
	var r providers.Repeats[int]
	const n = 10000
	for i := range int64(n) {
		r.Add(n-1-i, fmt.Sprint(n-1-i), int((n-1-i)%(n/2)), "")
	}
	count := 0
	r.Each(func(addr, first string, key int, _ string) {
		if want := fmt.Sprint(key); first != want {
			t.Errorf("%s repeats %s, want %s", addr, first, want)
		}
		count++
	})
	if count != n/2 {
		t.Errorf("%d repeats, want %d", count, n/2)
	}
}

// TestRepeatsAsMap: the repeats found, in order, are those a pass in
// order with a map of the keys seen finds (the way Each found them before
// its sorted pass), for random keys with many repeats added concurrently
// out of order.
func TestRepeatsAsMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, distinct := range []int{1, 7, 500, 30000} {
		const n = 20000
		orders := rng.Perm(n)
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("k%d", rng.IntN(distinct))
		}
		var r providers.Repeats[string]
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := w; i < n; i += 4 {
					r.Add(int64(orders[i]), fmt.Sprintf("a[%d]", orders[i]), keys[i], "shown "+keys[i])
				}
			})
		}
		wg.Wait()
		var got []string
		r.Each(func(addr, first, key, shown string) { got = append(got, addr+" "+first+" "+key+" "+shown) })

		byOrder := make([]int, n) // entry index by order
		for i, o := range orders {
			byOrder[o] = i
		}
		var want []string
		first := map[string]string{}
		for o := range n {
			k := keys[byOrder[o]]
			addr := fmt.Sprintf("a[%d]", o)
			if f, seen := first[k]; seen {
				want = append(want, addr+" "+f+" "+k+" shown "+k)
				continue
			}
			first[k] = addr
		}
		if len(got) != len(want) {
			t.Fatalf("%d distinct keys: %d repeats, want %d", distinct, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%d distinct keys: repeat %d is %q, want %q", distinct, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkRepeatsEach: Each over 1,000,000 distinct keys (the lean plan
// at 1,000,000 accounts checks three such fields), ten of them repeated.
func BenchmarkRepeatsEach(b *testing.B) {
	const n = 1_000_000
	addrs := make([]string, n)
	keys := make([]string, n)
	for i := range n {
		addrs[i] = fmt.Sprintf("usapi_account.person[%q]", fmt.Sprint("user", i))
		keys[i] = fmt.Sprint("user", i%(n-10))
	}
	var r providers.Repeats[string]
	for i := range n {
		r.Add(int64(i), addrs[i], keys[i], keys[i])
	}
	b.ResetTimer()
	for range b.N {
		count := 0
		r.Each(func(string, string, string, string) { count++ })
		if count != 10 {
			b.Fatalf("%d repeats, want 10", count)
		}
	}
}

// BenchmarkRepeatsAdd: 1,000,000 Adds from ten goroutines, as the
// planner's workers add one field of a million accounts: each takes runs
// of 64 consecutive accounts from a shared counter.
func BenchmarkRepeatsAdd(b *testing.B) {
	const n, workers, run = 1_000_000, 10, 64
	addrs := make([]string, n)
	keys := make([]string, n)
	for i := range n {
		addrs[i] = fmt.Sprintf("usapi_account.person[%q]", fmt.Sprint("user", i))
		keys[i] = fmt.Sprint("user", i)
	}
	b.ResetTimer()
	for range b.N {
		var r providers.Repeats[string]
		var wg sync.WaitGroup
		var next atomic.Int64
		for range workers {
			wg.Go(func() {
				for start := int(next.Add(run) - run); start < n; start = int(next.Add(run) - run) {
					for i := start; i < min(start+run, n); i++ {
						r.Add(int64(i), addrs[i], keys[i], keys[i])
					}
				}
			})
		}
		wg.Wait()
	}
}

// BenchmarkRepeatsEachPart: EachPart of each part of 1,000,000 keys of
// three parts (usapi's account of a million), ten of each part repeated:
// BenchmarkRepeatsEach's work for three fields, with one entry a key.
func BenchmarkRepeatsEachPart(b *testing.B) {
	const n = 1_000_000
	var r providers.Repeats[[3]string]
	for i := range n {
		key := fmt.Sprint("user", i%(n-10))
		r.Add(int64(i), fmt.Sprintf("usapi_account.person[%q]", fmt.Sprint("user", i)), [3]string{key, key + "@example.id", "62" + key}, "")
	}
	b.ResetTimer()
	for range b.N {
		for part := range 3 {
			count := 0
			providers.EachPart(&r, func(k [3]string) (string, bool) { return k[part], true }, func(string, string, string, string) { count++ })
			if count != 10 {
				b.Fatalf("part %d: %d repeats, want 10", part, count)
			}
		}
	}
}
