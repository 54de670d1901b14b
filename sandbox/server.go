package sandbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is one sandbox: the three fake APIs, their store and their faults.
// It is safe for concurrent use.
type Server struct {
	opts    Options
	store   *store
	faults  *faults
	handler http.Handler

	mu      sync.Mutex
	httpSrv *http.Server
	closed  bool
}

// api is one fake service mounted under prefix.
type api struct {
	prefix  string
	routes  *router
	limiter *limiter
	// internalError is the body of a 500, in the service's own style.
	internalError func(r *http.Request) any
	// tooMany is the body of a 429, in the service's own style.
	tooMany any
	// statusFalse, when set, answers the {"status": false} body an
	// endpoint may be given by -status-false-rate, ok false for the
	// endpoints it does not apply to.
	statusFalse func(r *http.Request) (body any, ok bool)
	// refused is the body of a 400 with a message, in the service's own
	// style (Options.EchoRefuse).
	refused func(msg string) any
}

// New opens (or creates) the store in opts.DataDir, taking its lock, and
// builds the handlers. Call Close to release the store.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	st, err := openStore(opts.DataDir, opts.Tokens)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, store: st, faults: newFaults(opts)}
	s.handler = s.mount(s.usapi(), s.proofylink(), s.prakerja())
	return s, nil
}

func (s *Server) now() time.Time { return s.opts.Now() }

// Handler returns the whole sandbox: /usapi, /proofylink, /prakerja and
// GET /_sandbox/state.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) mount(apis ...*api) http.Handler {
	wrapped := make([]http.Handler, len(apis))
	for i, a := range apis {
		wrapped[i] = s.withFaults(a, http.StripPrefix(a.prefix, a.routes))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_sandbox/state" {
			s.serveState(w, r)
			return
		}
		for i, a := range apis {
			if strings.HasPrefix(r.URL.Path, a.prefix+"/") {
				wrapped[i].ServeHTTP(w, r)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, message{"Not Found"})
	})
}

// Start listens on addr (such as "127.0.0.1:0") and serves in the
// background. It answers the base URL, "http://127.0.0.1:PORT".
func (s *Server) Start(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.httpSrv != nil {
		return "", errors.New("sandbox: Start called twice or after Close")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err // "listen tcp ADDR: ..." says it all
	}
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpSrv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Close stops serving (waiting up to five seconds for answers in flight),
// then flushes and closes the store and releases its lock. Calling it again
// does nothing.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.httpSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if s.httpSrv.Shutdown(ctx) != nil {
			err = s.httpSrv.Close()
		}
	}
	return errors.Join(err, s.store.close())
}
