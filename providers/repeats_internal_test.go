package providers

import (
	"strings"
	"testing"
)

// TestRepeatsHashesShared: keys that share a hash are told apart by their
// keys, each repeat naming the first of its own key.
func TestRepeatsHashesShared(t *testing.T) {
	var r Repeats[string]
	keys := []string{"b", "a", "b", "c", "a", "a", "c"}
	for i, k := range keys {
		r.Add(int64(i), "a"+string(rune('0'+i)), k, k)
	}
	r.all(func(c []repeatsEntry[string]) {
		for i := range c {
			c[i].hash = 42 // every key one hash
		}
	})
	var got []string
	r.Each(func(addr, first, key, _ string) { got = append(got, addr+">"+first+":"+key) })
	want := "a2>a0:b a4>a1:a a5>a1:a a6>a3:c"
	if strings.Join(got, " ") != want {
		t.Errorf("repeats %s, want %s", strings.Join(got, " "), want)
	}
}

// TestRepeatsSlotsShared: Each's first pass groups hashes by their top
// bits; keys whose hashes share those bits but differ are no repeats, and
// repeats among them, or alone in their slot's company, are all found.
func TestRepeatsSlotsShared(t *testing.T) {
	var r Repeats[string]
	// key -> hash: a, b and d share the top bits (slot 0), c and e the
	// last slot; a and c are repeated, b, d and e are not.
	hashes := map[string]uint64{"a": 1, "b": 2, "c": ^uint64(0), "d": 3, "e": ^uint64(0) - 1}
	keys := []string{"a", "b", "c", "a", "d", "c", "e", "a"}
	for i, k := range keys {
		r.Add(int64(i), "a"+string(rune('0'+i)), k, k)
	}
	r.all(func(c []repeatsEntry[string]) {
		for i := range c {
			c[i].hash = hashes[c[i].key]
		}
	})
	var got []string
	r.Each(func(addr, first, key, _ string) { got = append(got, addr+">"+first+":"+key) })
	want := "a3>a0:a a5>a2:c a7>a0:a"
	if strings.Join(got, " ") != want {
		t.Errorf("repeats %s, want %s", strings.Join(got, " "), want)
	}
}
