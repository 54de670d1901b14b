package proofylink

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
)

// Only the documented JSON body means "no verifications": an endpoint
// without its path prefix, answered by an HTML 404 or a router's JSON 404,
// is an error, so a resolution never reads it as "not created".
func TestListNotFoundIsEmptyOnlyWhenDocumented(t *testing.T) {
	tests := map[string]struct {
		handler http.HandlerFunc
		err     string // "" means an empty list
	}{
		"documented 400":             {answer(400, "application/json", `{"status":"fail","message":"Data not found."}`), ""},
		"documented body, 404":       {answer(404, "application/json", `{"status":"fail","message":"Data not found."}`), ""},
		"HTML 404 of another prefix": {answer(404, "text/html", "<html><head><title>404 Not Found</title></head><body>not found</body></html>"), "HTML page"},
		"router's JSON 404":          {answer(404, "application/json", `{"message":"Not Found"}`), "404 Not Found: Not Found"},
		"plain text 404":             {answer(404, "text/plain", "404 page not found"), "not JSON"},
		"400 tenant not found":       {answer(400, "application/json", `{"status":"fail","message":"Tenant not found."}`), "Tenant not found."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := handlerEnv(t, tt.handler)
			items, err := e.p.conf().client.list(t.Context(), "ani")
			if tt.err == "" {
				if err != nil || len(items) != 0 {
					t.Fatalf("got %d items, %v; want an empty list", len(items), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("got %d items, error %v; want an error containing %q", len(items), err, tt.err)
			}
			rs := e.p.ResolveResource(t.Context(), providers.ResolveRequest{Type: verificationType, Addr: testUserAddr, Config: config(nil), Started: time.Now()})
			if rs.Resolution != providers.Undecided {
				t.Errorf("resolution %v: a list that could not be read must leave the intent undecided", rs.Resolution)
			}
		})
	}
}

// unpaged serves total entries, size per page, with neither meta nor
// links; past the end it answers the documented "Data not found." when
// noData, else an empty data. It counts the pages asked.
func unpaged(total, size int, noData bool, asked *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		var items []string
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			items = append(items, fmt.Sprintf(`{"reference_code":"EMP-260212-%04d","customer_name":"ANI"}`, i))
		}
		if len(items) == 0 && noData {
			answer(400, "application/json", `{"status":"fail","message":"Data not found."}`)(w, r)
			return
		}
		fmt.Fprintf(w, `{"status":"success","data":[%s]}`, strings.Join(items, ","))
	}
}

// A list without meta.last_page and without links.next is read until an
// empty page or one shorter than the first (the API may serve fewer than
// per_page): never cut after page 1.
func TestListWithoutPagingReadToTheEnd(t *testing.T) {
	tests := map[string]struct {
		total, size int
		noData      bool
		pages       int32
	}{
		"short last page":        {total: 7, size: 3, pages: 3},
		"exact pages, empty end": {total: 6, size: 3, pages: 3},
		"exact pages, no data":   {total: 6, size: 3, noData: true, pages: 3},
		"one short page":         {total: 2, size: 3, pages: 2},
		"nothing":                {total: 0, size: 3, noData: true, pages: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var asked atomic.Int32
			e := handlerEnv(t, unpaged(tt.total, tt.size, tt.noData, &asked))
			items, err := e.p.conf().client.list(t.Context(), "ani")
			if err != nil || len(items) != tt.total {
				t.Fatalf("got %d items, %v; want %d", len(items), err, tt.total)
			}
			if asked.Load() != tt.pages {
				t.Errorf("%d pages asked, want %d", asked.Load(), tt.pages)
			}
		})
	}
}

// An API that ignores page and says nothing of its paging would be read
// forever, or its first page taken for the whole list: it is an error.
func TestListRepeatingPageIsAnError(t *testing.T) {
	e := handlerEnv(t, answer(200, "application/json", `{"status":"success","data":[{"reference_code":"EMP-1"},{"reference_code":"EMP-2"}]}`))
	items, err := e.p.conf().client.list(t.Context(), "ani")
	if err == nil || !strings.Contains(err.Error(), "daftar cannot read the whole list") {
		t.Fatalf("got %d items, %v", len(items), err)
	}
}

// A page that comes back empty (or "Data not found.") although the page
// before it said more pages follow (meta.last_page, links.next) is an
// error, never the end of the list: an API that caps its paging would
// otherwise have its first pages taken for the whole list, and the
// duplicate guard and resolution miss what the rest holds. Found in review.
func TestListEmptyPageBeforeTheAnnouncedEndIsAnError(t *testing.T) {
	for _, gap := range []string{`{"status":"success","data":[],"meta":{"current_page":2,"last_page":3}}`,
		`{"status":"fail","message":"Data not found."}`} {
		var asked atomic.Int32
		e := handlerEnv(t, func(w http.ResponseWriter, r *http.Request) {
			asked.Add(1)
			switch r.URL.Query().Get("page") {
			case "1":
				fmt.Fprint(w, `{"status":"success","data":[{"reference_code":"EMP-1","customer_name":"ANI"}],"meta":{"current_page":1,"last_page":3}}`)
			case "2":
				code := 200
				if strings.Contains(gap, "fail") {
					code = 400
				}
				answer(code, "application/json", gap)(w, r)
			default:
				fmt.Fprint(w, `{"status":"success","data":[{"reference_code":"EMP-3","customer_name":"ANI"}],"meta":{"current_page":3,"last_page":3}}`)
			}
		})
		if items, err := e.p.conf().client.list(t.Context(), "ani"); err == nil || !strings.Contains(err.Error(), "page 2") {
			t.Errorf("%s: list got %d items, %v", gap, len(items), err)
		}
		g := newGuard()
		var byName map[string][]record
		var err error
		for range 5 {
			if byName, err = g.advance(t.Context(), e.p.conf().client); byName != nil || err != nil {
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), "page 2") {
			t.Errorf("%s: guard got %v, %v", gap, byName, err)
		}
	}
}
