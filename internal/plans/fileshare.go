package plans

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
)

// shared lets the changes a Reader hands out share what a batch's changes
// hold alike, as a fresh plan's do: the provider's name, the reason, the
// resource's type and name, its dependencies and sensitive paths. A plan
// file of 100,000 creates otherwise decodes each of those anew per change
// (about 200 bytes each), held from apply PLANFILE's read to its end. The
// shared slices are clipped: appending to one copies it.
type shared struct {
	strs  map[string]string
	deps  map[string][]addrs.Resource
	paths map[string][]cty.Path
}

// sharedMax bounds each table: past it, values are kept as decoded.
const sharedMax = 4096

func (s *shared) str(v string) string {
	if v == "" {
		return v
	}
	if w, ok := s.strs[v]; ok {
		return w
	}
	if len(s.strs) < sharedMax {
		s.strs[v] = v
	}
	return v
}

// share replaces c's parts with those an earlier change holds alike; fc is
// the line c was decoded from.
func (s *shared) share(c *Change, fc *fileChange) {
	if s.strs == nil {
		s.strs, s.deps, s.paths = map[string]string{}, map[string][]addrs.Resource{}, map[string][]cty.Path{}
	}
	c.Provider, c.Reason = s.str(c.Provider), s.str(c.Reason)
	r := &c.Addr.Resource
	r.Type, r.Name, r.Module = s.str(r.Type), s.str(r.Name), s.str(r.Module)
	if len(c.Deps) > 0 {
		key := strings.Join(fc.Deps, "\x00")
		if d, ok := s.deps[key]; ok {
			c.Deps = d
		} else if c.Deps = slices.Clip(c.Deps); len(s.deps) < sharedMax {
			s.deps[key] = c.Deps
		}
	}
	if len(c.Sensitive) > 0 {
		key := fmt.Sprint(fc.SensitivePaths)
		if p, ok := s.paths[key]; ok {
			c.Sensitive = p
		} else if c.Sensitive = slices.Clip(c.Sensitive); len(s.paths) < sharedMax {
			s.paths[key] = c.Sensitive
		}
	}
}
