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
