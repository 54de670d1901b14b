package providers_test

import (
	"fmt"
	"strings"
	"sync"
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
