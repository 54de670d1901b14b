package sandbox

import (
	"net/http"
	"sort"
	"strings"
)

// router matches "METHOD /path" routes whose segments may be "{param}". An
// unknown path answers 404 and a known path with another method 405 with
// Allow, both with a JSON body. Exact routes are tried before ones with
// parameters.
type router struct {
	routes []route
}

type route struct {
	method   string
	segments []string
	handler  http.HandlerFunc
}

func (rt *router) handle(method, pattern string, h http.HandlerFunc) {
	rt.routes = append(rt.routes, route{method, strings.Split(pattern, "/"), h})
	sort.SliceStable(rt.routes, func(i, j int) bool {
		return !hasParam(rt.routes[i].segments) && hasParam(rt.routes[j].segments)
	})
}

func hasParam(segments []string) bool {
	for _, s := range segments {
		if strings.HasPrefix(s, "{") {
			return true
		}
	}
	return false
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Split(r.URL.Path, "/")
	var allow []string
	for _, rte := range rt.routes {
		if !rte.matches(path, r) {
			continue
		}
		if rte.method == r.Method {
			rte.handler(w, r)
			return
		}
		allow = append(allow, rte.method)
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, message{"Method Not Allowed"})
		return
	}
	writeJSON(w, http.StatusNotFound, message{"Not Found"})
}

// matches reports whether path fits the route, setting its path values.
func (rte route) matches(path []string, r *http.Request) bool {
	if len(path) != len(rte.segments) {
		return false
	}
	for i, seg := range rte.segments {
		if strings.HasPrefix(seg, "{") {
			if path[i] == "" {
				return false
			}
			continue
		}
		if seg != path[i] {
			return false
		}
	}
	for i, seg := range rte.segments {
		if strings.HasPrefix(seg, "{") {
			r.SetPathValue(strings.Trim(seg, "{}"), path[i])
		}
	}
	return true
}
