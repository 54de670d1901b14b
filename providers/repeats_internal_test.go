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
	r.hash = func(string) uint64 { return 42 } // every key one hash
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
	r.hash = func(k string) uint64 { return hashes[k] }
	var got []string
	r.Each(func(addr, first, key, _ string) { got = append(got, addr+">"+first+":"+key) })
	want := "a3>a0:a a5>a2:c a7>a0:a"
	if strings.Join(got, " ") != want {
		t.Errorf("repeats %s, want %s", strings.Join(got, " "), want)
	}
}

// TestRepeatsShown: a repeat's shown value is the one its Add gave,
// whether its key implies it (a string key shown as itself, another key
// shown as "") or not (a string key shown otherwise, or as "").
func TestRepeatsShown(t *testing.T) {
	var s Repeats[string]
	adds := [][2]string{ // key, shown
		{"ani", "ani"}, {"ani", "ani"}, {"ani", "ANI"}, {"ani", ""}, {"budi", "Budi"}, {"budi", "budi"},
	}
	for i, a := range adds {
		s.Add(int64(i), "a"+string(rune('0'+i)), a[0], a[1])
	}
	var got []string
	s.Each(func(addr, first, key, shown string) { got = append(got, addr+">"+first+":"+key+"="+shown) })
	want := "a1>a0:ani=ani a2>a0:ani=ANI a3>a0:ani= a5>a4:budi=budi"
	if strings.Join(got, " ") != want {
		t.Errorf("repeats %s, want %s", strings.Join(got, " "), want)
	}

	type pair struct{ a, b int }
	var p Repeats[pair]
	p.Add(0, "p0", pair{1, 2}, "")
	p.Add(1, "p1", pair{1, 2}, "")
	p.Add(2, "p2", pair{1, 2}, "shown")
	got = nil
	p.Each(func(addr, first string, _ pair, shown string) { got = append(got, addr+">"+first+"="+shown) })
	if want := "p1>p0= p2>p0=shown"; strings.Join(got, " ") != want {
		t.Errorf("repeats %s, want %s", strings.Join(got, " "), want)
	}
}

// TestRepeatsInherit: a Repeats that inherits another's entries holds them
// but the dropped orders', and what is added to it, a dropped order
// included, with the shown values its source was given; the source,
// asked before, still answers the same.
func TestRepeatsInherit(t *testing.T) {
	var src Repeats[string]
	adds := [][2]string{ // key, shown
		{"ani", "ani"}, {"budi", "Budi"}, {"ani", "ANI"}, {"cici", "cici"}, {"budi", "budi"},
	}
	for i, a := range adds {
		src.Add(int64(i), "a"+string(rune('0'+i)), a[0], a[1])
	}
	each := func(r *Repeats[string]) string {
		var got []string
		r.Each(func(addr, first, key, shown string) { got = append(got, addr+">"+first+":"+key+"="+shown) })
		return strings.Join(got, " ")
	}
	const before = "a2>a0:ani=ANI a4>a1:budi=budi"
	if got := each(&src); got != before {
		t.Fatalf("source's repeats %s, want %s", got, before)
	}
	var r Repeats[string]
	r.Inherit(&src, []int64{0, 4})
	r.Add(4, "a4", "cici", "Cici") // the dropped order, another key
	r.Add(5, "a5", "budi", "BUDI")
	if got, want := each(&r), "a4>a3:cici=Cici a5>a1:budi=BUDI"; got != want {
		t.Errorf("repeats %s, want %s", got, want)
	}
	if got := each(&src); got != before {
		t.Errorf("source's repeats %s after, want %s", got, before)
	}
}
