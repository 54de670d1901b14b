package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging of GET /api/v1/external/verifications.
const (
	defaultPerPage = 10
	maxPerPage     = 100
)

type listResponse struct {
	Status  string     `json:"status"`
	Message string     `json:"message"`
	Data    []listItem `json:"data"`
	Links   listLinks  `json:"links"`
	Meta    listMeta   `json:"meta"`
}

// listLinks are Laravel's paginator links: absolute, carrying only page
// (as in the example; Laravel drops other query parameters).
type listLinks struct {
	First string  `json:"first"`
	Last  string  `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
}

type listMeta struct {
	CurrentPage int    `json:"current_page"`
	From        int    `json:"from"`
	LastPage    int    `json:"last_page"`
	Path        string `json:"path"`
	PerPage     int    `json:"per_page"`
	To          int    `json:"to"`
	Total       int    `json:"total"`
	Q           string `json:"q"`
}

// list answers one page, newest first, of the verifications whose name or
// reference code contains q (ignoring case). A page with nothing on it is
// the documented 400 "Data not found.".
func (p *proofylinkService) list(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		return
	}
	query := r.URL.Query()
	q := query.Get("q")
	page := queryInt(query, "page", 1)
	perPage := min(queryInt(query, "per_page", defaultPerPage), maxPerPage)
	matches := p.search(q)
	from := (page - 1) * perPage
	if from >= len(matches) {
		writeJSON(w, http.StatusBadRequest, plStatus{"fail", msgDataNotFound})
		return
	}
	pageItems := matches[from:min(from+perPage, len(matches))]
	writeJSON(w, http.StatusOK, listResponse{
		Status: "success", Message: "Verifications retrieved successfully.",
		Data:  p.listItems(pageItems),
		Links: pageLinks(listURL(r), page, lastPage(len(matches), perPage)),
		Meta: listMeta{
			CurrentPage: page, From: from + 1, LastPage: lastPage(len(matches), perPage),
			Path: listURL(r), PerPage: perPage, To: from + len(pageItems), Total: len(matches), Q: q,
		},
	})
}

// queryInt answers a positive integer parameter, or def when it is absent
// or not a positive integer.
func queryInt(q url.Values, key string, def int) int {
	n, err := strconv.Atoi(q.Get(key))
	if err != nil || n < 1 {
		return def
	}
	return n
}

func lastPage(total, perPage int) int {
	return max(1, (total+perPage-1)/perPage)
}

// search answers the matching verifications, newest first.
func (p *proofylinkService) search(q string) []*verification {
	all := p.s.store.allVerifications()
	needle := strings.ToLower(q)
	out := make([]*verification, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		v := all[i]
		if needle == "" || strings.Contains(strings.ToLower(v.FullName), needle) ||
			strings.Contains(strings.ToLower(v.ReferenceCode), needle) {
			out = append(out, v)
		}
	}
	return out
}

func (p *proofylinkService) listItems(vs []*verification) []listItem {
	now := p.s.now()
	out := make([]listItem, len(vs))
	for i, v := range vs {
		out[i] = p.listItem(v, v.progressAt(now))
	}
	return out
}

// listURL is the list's absolute URL as the client reached it.
func listURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + proofylinkPrefix + "/api/v1/external/verifications"
}

func pageLinks(base string, page, last int) listLinks {
	at := func(n int) string { return base + "?page=" + strconv.Itoa(n) }
	links := listLinks{First: at(1), Last: at(last)}
	if page > 1 {
		prev := at(min(page-1, last))
		links.Prev = &prev
	}
	if page < last {
		next := at(page + 1)
		links.Next = &next
	}
	return links
}
