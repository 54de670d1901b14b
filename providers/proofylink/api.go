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
		return nil, &decodeError{Method: http.MethodPost, Path: p, StatusCode: http.StatusCreated, Err: err}
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
	if err != nil {
		return nil, &decodeError{Method: http.MethodGet, Path: p, StatusCode: http.StatusOK, Err: err}
	}
	return d, nil
}

// list reads every page of the list for the keyword q.
func (c *client) list(ctx context.Context, q string) ([]record, error) {
	var all []record
	for page := 1; page <= maxPages; page++ {
		items, more, err := c.listPage(ctx, q, page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if !more {
			return all, nil
		}
	}
	return nil, fmt.Errorf("the list of verifications for %q did not end after %d pages", q, maxPages)
}

// listPage reads one page and reports whether another follows: per
// meta.last_page when given, else per links.next.
func (c *client) listPage(ctx context.Context, q string, page int) ([]record, bool, error) {
	query := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	if q != "" {
		query.Set("q", q)
	}
	env, err := c.get(ctx, verificationsPath, query)
	if isNoData(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	items, err := decodeList(env)
	if err != nil {
		return nil, false, &decodeError{Method: http.MethodGet, Path: verificationsPath, StatusCode: http.StatusOK, Err: err}
	}
	if len(items) == 0 {
		return nil, false, nil
	}
	if last, ok := env.Meta.LastPage.int(); ok {
		return items, int64(page) < last, nil
	}
	return items, env.Links.Next.str() != "", nil
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
// page with nothing on it answers 400 {"message": "Data not found."}.
func isNoData(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusNotFound) &&
		strings.Contains(strings.ToLower(ae.Message), "not found")
}
