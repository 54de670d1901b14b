package proofylink

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// guard looks, for each verification a plan creates, for one the API
// already holds for the same person and type, so that a lost state, a
// backend switched without state migrate or a second operator never pays
// twice without the user's word. It starts when the first create is
// planned (a plan without creates sends nothing), and reads the detail
// only of the entries whose name, masked NIK and type match, to compare
// the full NIK. A guard lives for one Configure, that is one plan.
//
// The list is read once per plan, a page for each create planned until it
// is complete; until then, each create's name is also searched (the list's
// q). A plan of c creates against a list of P pages so sends at most
// 2·min(c, P) list requests: 100,000 creates into an empty or small list
// cost one request, one create into a list of 1,000 pages two.
type guard struct {
	pageMu   sync.Mutex
	nextPage int
	read     []record            // the pages read so far
	previous []record            // the last page read, to spot a repeated one
	first    int                 // the first page's size, to spot a short last page
	said     paging              // what the last page read said of the pages after it
	byName   map[string][]record // normalised customer_name → entries, once complete
	listErr  error
	// reported is set once a list's failure was reported, so that a
	// failed list gives one error, not one per create.
	reported atomic.Bool

	mu       sync.Mutex
	searches map[string]*searchCall // normalised name → its search, once
	details  map[string]*detailCall // reference_code → its detail, once
}

// searchCall is one search by name shared by the creates of that name.
type searchCall struct {
	once  sync.Once
	items []record
	err   error
}

// detailCall is one detail read shared by the creates that need it.
type detailCall struct {
	once sync.Once
	d    *detail
	err  error
}

func newGuard() *guard {
	return &guard{searches: map[string]*searchCall{}, details: map[string]*detailCall{}}
}

// nameKey normalises a name as equalFold compares them.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// entries are the list entries that may be of name: from the whole list
// once it is read, else from a search by name.
// A search is made for addr and names it in the audit log.
func (g *guard) entries(ctx context.Context, c *client, name, addr string) ([]record, error) {
	all, err := g.advance(ctx, c)
	if err != nil {
		return nil, err
	}
	if all != nil {
		return all[nameKey(name)], nil
	}
	return g.search(httpx.WithResource(ctx, addr), c, name)
}

// advance reads the next page of the whole list, unless it is complete,
// and returns the entries by name once it is. Its requests serve every
// create of the plan, so they name no resource in the audit log.
func (g *guard) advance(ctx context.Context, c *client) (map[string][]record, error) {
	g.pageMu.Lock()
	defer g.pageMu.Unlock()
	if g.byName != nil || g.listErr != nil {
		return g.byName, g.listErr
	}
	if g.nextPage >= maxPages {
		g.listErr = fmt.Errorf("the list of verifications did not end after %d pages", maxPages)
		return nil, g.listErr
	}
	g.nextPage++
	items, more, err := c.listPage(ctx, "", g.nextPage)
	if err == nil {
		err = emptyBeforeEnd(g.nextPage, g.said, items)
	}
	if err != nil {
		g.listErr = err
		return nil, err
	}
	g.said = more
	// The same rules as client.list: a page that says nothing of its
	// paging is followed until an empty or short page, and a repeated one
	// is an error rather than a list cut short.
	if more == pagingUnknown && g.nextPage > 1 && sameCodes(items, g.previous) {
		g.listErr = fmt.Errorf("GET %s answered page %d with the entries of page %d and says nothing of its paging (no meta.last_page, no links.next): "+
			"daftar cannot read the whole list", verificationsPath, g.nextPage, g.nextPage-1)
		return nil, g.listErr
	}
	g.read = append(g.read, items...)
	if g.nextPage == 1 {
		g.first = len(items)
	}
	g.previous = items
	last := more == pagingLast || len(items) == 0 || (more == pagingUnknown && g.nextPage > 1 && len(items) < g.first)
	if !last {
		return nil, nil
	}
	g.previous = nil
	g.byName = make(map[string][]record)
	for _, it := range g.read {
		k := nameKey(it.CustomerName.str())
		g.byName[k] = append(g.byName[k], it)
	}
	g.read = nil
	return g.byName, nil
}

// search lists the entries found by a name, every page, once per name.
func (g *guard) search(ctx context.Context, c *client, name string) ([]record, error) {
	g.mu.Lock()
	call := g.searches[nameKey(name)]
	if call == nil {
		call = &searchCall{}
		g.searches[nameKey(name)] = call
	}
	g.mu.Unlock()
	call.once.Do(func() { call.items, call.err = c.list(ctx, name) })
	return call.items, call.err
}

// detail reads one verification's detail, once per plan.
func (g *guard) detail(ctx context.Context, c *client, code string) (*detail, error) {
	g.mu.Lock()
	call := g.details[code]
	if call == nil {
		call = &detailCall{}
		g.details[code] = call
	}
	g.mu.Unlock()
	call.once.Do(func() { call.d, call.err = c.detail(ctx, code) })
	return call.d, call.err
}

// candidates are the entries of the configuration's name, masked NIK and
// type, whatever their age.
func candidates(entries []record, cfg cty.Value) []record {
	name, nik := stringAttr(cfg, "full_name"), stringAttr(cfg, "id_number")
	typeID, _ := intAttr(cfg, "verification_type_id")
	var out []record
	for _, it := range entries {
		if equalFold(it.CustomerName.str(), name) && nikMatches(it.CustomerIDNumber.str(), nik) && typeNameMatches(typeID, it.VerificationTypeName.str()) {
			out = append(out, it)
		}
	}
	return out
}

// guardsCreate reports whether a create of cfg is to be checked: the
// provider's duplicate_check is on, the resource does not allow a repeat
// (an allow_repeat known only after apply does not), and the values
// searched and compared are known.
func (p *Provider) guardsCreate(req providers.PlanRequest, cfg cty.Value) bool {
	if !p.conf().duplicateCheck || req.Forced || boolAttr(cfg, "allow_repeat") || p.conf().client == nil || p.conf().guard == nil {
		return false
	}
	for _, name := range []string{"full_name", "id_number", "verification_type_id"} {
		if !attr(cfg, name).IsKnown() {
			return false
		}
	}
	return stringAttr(cfg, "full_name") != "" && stringAttr(cfg, "id_number") != ""
}

// existing finds the verifications the API already holds for cfg's
// person and type. Their full NIK is compared on the detail; an entry
// whose detail does not show it in clear counts, as the list's masked
// NIK matched.
func (p *Provider) existing(ctx context.Context, addr string, cfg cty.Value) (*providers.Existing, providers.Diagnostics) {
	g := p.conf().guard
	entries, err := g.entries(ctx, p.conf().client, stringAttr(cfg, "full_name"), addr)
	if err != nil {
		if g.reported.Swap(true) {
			return nil, nil // reported on the first create; the plan has failed
		}
		return nil, requestDiagnostics("Cannot look for existing Proofylink verifications", err,
			" Before creating a verification, daftar reads the list of verifications once to make sure the person was not "+
				"already verified (the tokens would be spent twice). Plan again once Proofylink answers, or set duplicate_check = false "+
				"in the provider block to create without looking.")
	}
	nik := stringAttr(cfg, "id_number")
	var found []record
	unconfirmed := false
	for _, it := range candidates(entries, cfg) {
		d, err := g.detail(httpx.WithResource(ctx, addr), p.conf().client, it.ReferenceCode.str())
		if err != nil {
			return nil, requestDiagnostics("Cannot read verification "+it.ReferenceCode.str(), err,
				" It has the name, masked NIK and type of this verification, and its detail is read to compare the full NIK before spending a token. Plan again.")
		}
		shown := d.Customer.IDNumber.str()
		switch {
		case shown == nik:
		case shown == "" || isMasked(shown):
			unconfirmed = true
		default:
			continue // another person with the same name and masked NIK
		}
		found = append(found, it)
	}
	if len(found) == 0 {
		return nil, nil
	}
	return existingRecord(found, unconfirmed), nil
}

// existingRecord describes what was found, for the plan.
func existingRecord(found []record, unconfirmed bool) *providers.Existing {
	seen := make([]string, len(found))
	for i, it := range found {
		seen[i] = it.ReferenceCode.str()
		if day := createdDay(it.CreatedAt.str()); day != "" {
			seen[i] += " on " + day
		}
	}
	msg := "already verified as " + strings.Join(seen, " and as ")
	why := "Proofylink holds a verification of the same full name, NIK and verification type"
	if unconfirmed {
		why = "Proofylink holds a verification of the same full name, masked NIK and verification type " +
			"(its detail does not show the full NIK to compare)"
	}
	why += "; creating another would spend a token on a second screening, so none is created."
	latest := found[0]
	for _, it := range found[1:] {
		if it.CreatedAt.str() > latest.CreatedAt.str() {
			latest = it
		}
	}
	return &providers.Existing{ID: latest.ReferenceCode.str(), IDAttribute: "reference_code", Message: msg, Why: why,
		Repeat: "To screen the person again on purpose, set allow_repeat = true in this resource."}
}

// createdDay is the date part of a created_at ("2026-02-11"), "" when it
// does not read as one.
func createdDay(createdAt string) string {
	if len(createdAt) < 10 || createdAt[4] != '-' || createdAt[7] != '-' {
		return ""
	}
	return createdAt[:10]
}
