package proofylink

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	verificationsPath = "/api/v1/external/verifications"
	balancePath       = "/api/v1/external/token/balance"
	// perPage is the page size asked of the list endpoint.
	perPage = 100
	// maxPages bounds a list walk, in case the API's paging never ends.
	maxPages = 10000
)

func detailPath(referenceCode string) string {
	return verificationsPath + "/" + url.PathEscape(referenceCode)
}

// create posts one verification. It is sent once and never retried.
func (c *client) create(ctx context.Context, consent string, body *createBody) (*created, error) {
	p := createPath(consent)
	env, err := c.post(ctx, p, body)
	if err != nil {
		return nil, err
	}
	cr, err := decodeCreated(env)
	if err != nil {
		return nil, &decodeError{Method: http.MethodPost, Path: p, StatusCode: env.code, Err: err, succeeded: env.Status.str() == "success"}
	}
	return cr, nil
}

// detail reads one verification.
func (c *client) detail(ctx context.Context, referenceCode string) (*detail, error) {
	p := detailPath(referenceCode)
	env, err := c.get(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	d, err := decodeDetail(env)
	if err == nil && !strings.EqualFold(d.Verification.ReferenceCode.str(), referenceCode) {
		// Another record's detail (a cache keyed wrongly, a routing
		// slip): its status and score are not this verification's. Case
		// is ignored: an import typed in lower case is the same code.
		err = fmt.Errorf("data is the detail of %s, not of %s", redact(d.Verification.ReferenceCode.str()), referenceCode)
	}
	if err != nil {
		return nil, &decodeError{Method: http.MethodGet, Path: p, StatusCode: http.StatusOK, Err: err}
	}
	return d, nil
}

// list reads every page of the list for the keyword q: all of it, or an
// error, never a part read as the whole.
func (c *client) list(ctx context.Context, q string) ([]record, error) {
	var all, previous []record
	firstSize, said := 0, pagingUnknown
	for page := 1; page <= maxPages; page++ {
		items, more, err := c.listPage(ctx, q, page)
		if err != nil {
			return nil, err
		}
		if err := emptyBeforeEnd(page, said, items); err != nil {
			return nil, err
		}
		said = more
		if more == pagingUnknown && page > 1 && sameCodes(items, previous) {
			return nil, fmt.Errorf("GET %s answered page %d with the entries of page %d and says nothing of its paging (no meta.last_page, no links.next): "+
				"daftar cannot read the whole list", verificationsPath, page, page-1)
		}
		all = append(all, items...)
		switch {
		case more == pagingLast, len(items) == 0:
			return all, nil
		case more == pagingUnknown && page > 1 && len(items) < firstSize:
			return all, nil // a short page is the last
		}
		if page == 1 {
			firstSize = len(items)
		}
		previous = items
	}
	return nil, fmt.Errorf("the list of verifications for %q did not end after %d pages", q, maxPages)
}

// emptyBeforeEnd refuses an empty page (or the documented "Data not
// found.") that comes after a page saying more pages follow: an API that
// caps its paging would otherwise have its first pages read as the whole
// list.
func emptyBeforeEnd(page int, said paging, items []record) error {
	if page > 1 && said == pagingMore && len(items) == 0 {
		return fmt.Errorf("GET %s answered page %d with no entries, although page %d said more pages follow: "+
			"daftar cannot read the whole list", verificationsPath, page, page-1)
	}
	return nil
}

// paging is what a list page says of the pages after it.
type paging int

const (
	// pagingUnknown: neither meta.last_page nor links.next; the list is
	// read until an empty page, or one shorter than the first.
	pagingUnknown paging = iota
	pagingMore
	pagingLast
)

// listPage reads one page and what follows it: per meta.last_page when
// given, else per links.next when the answer has one (null on the last
// page). The documented "400 Data not found." is a page with nothing on it.
func (c *client) listPage(ctx context.Context, q string, page int) ([]record, paging, error) {
	query := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	if q != "" {
		query.Set("q", q)
	}
	env, err := c.get(ctx, verificationsPath, query)
	if isNoData(err) {
		return nil, pagingLast, nil
	}
	if err != nil {
		return nil, pagingLast, err
	}
	items, err := decodeList(env)
	if err != nil {
		return nil, pagingLast, &decodeError{Method: http.MethodGet, Path: verificationsPath, StatusCode: http.StatusOK, Err: err}
	}
	if last, ok := env.Meta.LastPage.int(); ok {
		return items, pagingFrom(int64(page) < last), nil
	}
	if next, ok := env.nextLink(); ok {
		return items, pagingFrom(next != ""), nil
	}
	return items, pagingUnknown, nil
}

func pagingFrom(more bool) paging {
	if more {
		return pagingMore
	}
	return pagingLast
}

// sameCodes reports two non-empty pages listing the same reference codes.
func sameCodes(a, b []record) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ReferenceCode.str() != b[i].ReferenceCode.str() {
			return false
		}
	}
	return true
}

// balance reads the token balance.
func (c *client) balance(ctx context.Context) (int64, error) {
	env, err := c.get(ctx, balancePath, nil)
	if err != nil {
		return 0, err
	}
	var data struct {
		Token flexNumber `json:"token"`
	}
	if err := decodeJSON(env.Data, &data); err != nil || data.Token.v == nil {
		if err == nil {
			err = fmt.Errorf("data has no token")
		}
		return 0, &decodeError{Method: http.MethodGet, Path: balancePath, StatusCode: http.StatusOK, Err: err}
	}
	n, _ := data.Token.int()
	return n, nil
}

// isNoData reports the list's documented "400 - Not Found": a search or a
// page with nothing on it answers 400 {"status": "fail", "message": "Data
// not found."} (404 with that same body is read alike, as the other
// endpoints answer it). Only that JSON body means "nothing": any other
// 4xx (an HTML 404 of an endpoint without its path prefix, a proxy's page,
// {"message": "Not Found"} of an unknown route) is an error, never an
// empty list.
func isNoData(err error) bool {
	var ae *apiError
	if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusNotFound) || ae.bodyStatus != "fail" {
		return false
	}
	msg := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(ae.Message)), ".")
	return msg == "data not found"
}
