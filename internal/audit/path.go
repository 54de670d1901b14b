package audit

import (
	"net/url"
	"sort"
	"strings"
)

// RedactedPath is the form of a URL the log keeps: the escaped path, and
// the names of the query parameters, sorted, without their values
// ("/api/v1/external/verifications?name&nik"). Query values are where
// search terms such as names and NIKs travel.
func RedactedPath(u *url.URL) string {
	p := u.EscapedPath()
	if u.RawQuery == "" {
		return p
	}
	names := queryNames(u.RawQuery)
	if len(names) == 0 {
		return p
	}
	return p + "?" + strings.Join(names, "&")
}

func queryNames(raw string) []string {
	seen := map[string]bool{}
	var names []string
	for part := range strings.SplitSeq(raw, "&") {
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = url.QueryEscape(n)
		}
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
