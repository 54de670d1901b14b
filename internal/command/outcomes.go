package command

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
)

// What an apply did not do, told so that a batch's outcome can be read:
// failures with the same error on instances of one resource are one
// group ("2 usapi_account.person: Username already taken: u1, u2"), and
// skipped changes are grouped by the failed change they depend on.

// listLimit is how many keys a group line names before "and N more";
// linesLimit how many group lines a section of the summary shows.
const (
	listLimit  = 10
	linesLimit = 20
)

// failureGroup is the failures of one resource with the same errors.
type failureGroup struct {
	Resource string
	Message  string // the first error's summary, without the address
	Addrs    []addrs.Instance
	// first is the first failure's errors, shown for the whole group.
	first executor.Failure
}

// groupFailures groups the failures by resource and errors (with each
// one's address taken out), sorted by resource, then largest first.
func groupFailures(fs []executor.Failure) []*failureGroup {
	byKey := map[string]*failureGroup{}
	var groups []*failureGroup
	for _, f := range fs {
		res := f.Change.Addr.Resource.String()
		key := res + "\x00" + errorsText(f)
		g := byKey[key]
		if g == nil {
			g = &failureGroup{Resource: res, Message: firstSummary(f), first: f}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.Addrs = append(g.Addrs, f.Change.Addr)
	}
	for _, g := range groups {
		sort.Slice(g.Addrs, func(i, j int) bool { return g.Addrs[i].Less(g.Addrs[j]) })
	}
	sort.SliceStable(groups, func(i, j int) bool {
		gi, gj := groups[i], groups[j]
		switch {
		case gi.Resource != gj.Resource:
			return gi.Resource < gj.Resource
		case len(gi.Addrs) != len(gj.Addrs):
			return len(gi.Addrs) > len(gj.Addrs) // the commonest error first
		}
		return gi.Message < gj.Message
	})
	return groups
}

// errorsText is a failure's errors with its own address taken out, for
// comparing failures of different instances.
func errorsText(f executor.Failure) string {
	addr := f.Change.Addr.String()
	var sb strings.Builder
	for _, d := range f.Diags {
		sb.WriteString(strings.ReplaceAll(d.Summary, addr, "\x01"))
		sb.WriteByte(0)
		sb.WriteString(strings.ReplaceAll(d.Detail, addr, "\x01"))
		sb.WriteByte(0)
	}
	return sb.String()
}

func firstSummary(f executor.Failure) string {
	if len(f.Diags) == 0 {
		return "failed"
	}
	return strings.TrimPrefix(f.Diags[0].Summary, f.Change.Addr.String()+": ")
}

// line spells the group: "2 usapi_account.person: Username already
// taken: u1, u2", or for one instance "usapi_account.lead: ...".
func (g *failureGroup) line() string {
	return instancesPhrase(g.Resource, g.Addrs) + ": " + g.Message
}

// instancesPhrase names instances of one resource: the address of a
// single one, else "N RESOURCE (k1, k2, ... and M more)".
func instancesPhrase(resource string, as []addrs.Instance) string {
	if len(as) == 1 {
		return as[0].String()
	}
	keys := make([]string, 0, min(len(as), listLimit))
	for _, a := range as[:min(len(as), listLimit)] {
		keys = append(keys, keyText(a.Key))
	}
	more := ""
	if len(as) > listLimit {
		more = fmt.Sprintf(" and %d more", len(as)-listLimit)
	}
	return fmt.Sprintf("%d %s (%s%s)", len(as), resource, strings.Join(keys, ", "), more)
}

// keyText is an instance key as people read it in a list: ani, 3.
func keyText(k addrs.Key) string {
	switch k := k.(type) {
	case addrs.StringKey:
		return string(k)
	case addrs.IntKey:
		return strconv.Itoa(int(k))
	case addrs.Keys:
		return k.String()
	}
	return ""
}

// skipGroup is the skipped instances of one resource that one failed
// change held back.
type skipGroup struct {
	Resource, Failed string
	Addrs            []addrs.Instance
}

// groupSkips groups the skipped changes by the failed change they wait
// for and by resource, sorted.
func groupSkips(skips []executor.Skip) []*skipGroup {
	byKey := map[[2]string]*skipGroup{}
	var groups []*skipGroup
	for _, s := range skips {
		res := s.Change.Addr.Resource.String()
		k := [2]string{s.Failed, res}
		g := byKey[k]
		if g == nil {
			g = &skipGroup{Resource: res, Failed: s.Failed}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.Addrs = append(g.Addrs, s.Change.Addr)
	}
	for _, g := range groups {
		sort.Slice(g.Addrs, func(i, j int) bool { return g.Addrs[i].Less(g.Addrs[j]) })
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].Resource != groups[j].Resource {
			return groups[i].Resource < groups[j].Resource
		}
		return groups[i].Failed < groups[j].Failed
	})
	return groups
}

func (g *skipGroup) line() string {
	return instancesPhrase(g.Resource, g.Addrs) + ": " + g.Failed + " failed"
}

// outcomeBlock is the part of apply's closing summary that lists what
// failed and what was skipped, grouped; "" when nothing did.
func outcomeBlock(r *executor.Report) string {
	var sb strings.Builder
	if groups := groupFailures(r.Failures); len(groups) > 0 {
		fmt.Fprintf(&sb, "Failed (%d):\n", r.Failed)
		for i, g := range groups {
			if i == linesLimit {
				fmt.Fprintf(&sb, "  ... and %d more kinds of failure (daftar report lists every one)\n", len(groups)-i)
				break
			}
			fmt.Fprintf(&sb, "  %s\n", g.line())
		}
	}
	if groups := groupSkips(r.Skips); len(groups) > 0 {
		fmt.Fprintf(&sb, "Skipped because a change they depend on failed (%d):\n", r.Skipped)
		for i, g := range groups {
			if i == linesLimit {
				fmt.Fprintf(&sb, "  ... and %d more (daftar report lists every one)\n", len(groups)-i)
				break
			}
			fmt.Fprintf(&sb, "  %s\n", g.line())
		}
	}
	if len(r.Halts) > 0 {
		fmt.Fprintf(&sb, "Not attempted (%d):\n", r.NotStarted)
		for _, h := range r.Halts {
			fmt.Fprintf(&sb, "  %d: provider %s stopped: %s\n", h.NotAttempted, h.Provider, h.Cause)
		}
	}
	return sb.String()
}

// groupedDiagnostics are the report's diagnostics with the failures of
// one group shown once: the first instance's errors, with a line naming
// the other instances that failed the same way.
func groupedDiagnostics(r *executor.Report) hcl.Diagnostics {
	groups := groupFailures(r.Failures)
	member := map[*hcl.Diagnostic]*failureGroup{}
	for _, g := range groups {
		if len(g.Addrs) < 2 {
			continue
		}
		for _, f := range r.Failures {
			if f.Change.Addr.Resource.String() == g.Resource && errorsText(f) == errorsText(g.first) {
				for _, d := range f.Diags {
					member[d] = g
				}
			}
		}
	}
	shown := map[*failureGroup]bool{}
	var out hcl.Diagnostics
	for _, d := range r.Diagnostics {
		g := member[d]
		switch {
		case g == nil:
			out = append(out, d)
		case !shown[g]:
			shown[g] = true
			for i, fd := range g.first.Diags {
				c := *fd
				if i == len(g.first.Diags)-1 {
					c.Detail += fmt.Sprintf("\n\nThe same error for %s.", instancesPhrase(g.Resource, g.Addrs))
				}
				out = append(out, &c)
			}
		}
	}
	return out
}
