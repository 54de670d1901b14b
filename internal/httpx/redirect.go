package httpx

import (
	"fmt"
	"net/http"
	"net/url"
)

// WithoutRedirects returns a copy of c that never follows a redirect: the
// 3xx answer is returned as it is (see Redirected). Following one would
// send the request again, with its body and its Authorization header, to
// wherever the answer points: NIKs, KTP images and passwords to another
// host, or a record "found" at a host that is not the API. A nil c is
// taken as a zero http.Client.
func WithoutRedirects(c *http.Client) *http.Client {
	out := &http.Client{}
	if c != nil {
		*out = *c
	}
	out.CheckRedirect = refuseRedirect
	return out
}

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// RedirectError is a 3xx answer, which daftar never follows for an API
// request. Its text names the request, the status and where the answer
// pointed, without the query or a password of that address.
type RedirectError struct {
	Method string
	// Path is the request's path without its query.
	Path   string
	Status int
	// Location is the answer's Location header, redacted (see
	// ShownLocation); "" when it had none.
	Location string
}

func (e *RedirectError) Error() string {
	to := "without a Location"
	if e.Location != "" {
		to = "to " + e.Location
	}
	return fmt.Sprintf("%s %s answered %d %s, redirecting %s; daftar does not follow redirects for API requests "+
		"(the request, its credentials and personal data would go to another address): check the provider's endpoint",
		e.Method, e.Path, e.Status, http.StatusText(e.Status), to)
}

// Redirected returns a *RedirectError for a 3xx answer, nil otherwise.
func Redirected(resp *http.Response) *RedirectError {
	if resp == nil || resp.StatusCode < 300 || resp.StatusCode >= 400 {
		return nil
	}
	e := &RedirectError{Status: resp.StatusCode, Location: ShownLocation(resp.Header.Get("Location"))}
	if resp.Request != nil {
		e.Method, e.Path = resp.Request.Method, resp.Request.URL.Path
	}
	return e
}

// ShownLocation is a Location header fit for a message: the address
// resolved, without a password, and with the query's values dropped (they
// may carry a token).
func ShownLocation(loc string) string {
	if loc == "" {
		return ""
	}
	u, err := url.Parse(loc)
	if err != nil {
		return fmt.Sprintf("(an unparsable address of %d characters)", len(loc))
	}
	if u.RawQuery != "" {
		u.RawQuery = "..."
	}
	u.Fragment, u.RawFragment = "", ""
	return u.Redacted()
}
