package sandbox

import (
	"net/http"
)

// dropAfter does the work of next, discarding its answer, then cuts the
// connection so the client receives nothing: the hardest case for a client,
// which cannot tell whether the request was carried out.
func dropAfter(w http.ResponseWriter, r *http.Request, next http.Handler) {
	next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection silently
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// discardWriter is a ResponseWriter that throws the answer away.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
