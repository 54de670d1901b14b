package planner

// LazyHeld counts how resource addr's lazy creates are held: shared
// against the block's base (and their bytes), or whole.
func LazyHeld(r *Result, addr string) (shared, whole, sharedBytes int) {
	for a, res := range r.p.res {
		if a.String() != addr || res.lazy == nil {
			continue
		}
		lz := res.lazy
		for k := range lz.packs {
			if lz.packs[k] != nil {
				shared++
				sharedBytes += len(lz.packs[k])
			}
			if lz.whole != nil && lz.whole[k] != nil {
				whole++
			}
		}
	}
	return shared, whole, sharedBytes
}
