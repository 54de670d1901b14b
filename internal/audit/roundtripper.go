package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNotSent is wrapped by the errors of requests the layer refused to
// send, so that nobody mistakes them for requests whose outcome is unknown.
var ErrNotSent = errors.New("request not sent")

// WithSentLines makes the layer write a "sent" line, durably, before each
// request for which sent returns true (the requests that are not safe to
// repeat), and only then send it: a run killed between the sending and
// the answer leaves the line that says the request may have been carried
// out. A request whose line cannot be written is not sent.
func WithSentLines(sent func(*http.Request) bool) Option {
	return func(t *roundTripper) { t.sent = sent }
}

// Option configures NewRoundTripper.
type Option func(*roundTripper)

// WithCodeExtractor replaces DefaultCode for one provider's API.
func WithCodeExtractor(f CodeExtractor) Option {
	return func(t *roundTripper) { t.code = f }
}

// NewRoundTripper records every exchange made through next in log. It
// hashes the request body before sending it (from GetBody when the request
// has one, else by buffering it), and the response body as the caller reads
// it; the line is written when that body reaches its end, fails, or is
// closed (a body closed early is drained, up to maxDrain bytes, so the
// digest covers the whole answer when it can). A caller that never closes
// a response body leaves its exchange unrecorded.
//
// A request is not sent at all once log is broken (Log.Err): an exchange
// that cannot be recorded must not happen.
func NewRoundTripper(next http.RoundTripper, log *Log, provider string, opts ...Option) http.RoundTripper {
	t := &roundTripper{next: next, log: log, provider: provider, code: DefaultCode}
	for _, o := range opts {
		o(t)
	}
	return t
}

type roundTripper struct {
	next     http.RoundTripper
	log      *Log
	provider string
	code     CodeExtractor
	sent     func(*http.Request) bool
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.log.Err(); err != nil {
		closeRequestBody(req)
		return nil, fmt.Errorf("%w: the audit log cannot record it: %w", ErrNotSent, err)
	}
	sum, req, err := digestRequest(req)
	if err != nil {
		return nil, err
	}
	x := &exchange{rt: t, entry: Entry{
		Time: time.Now(), Resource: ResourceFrom(req.Context()), Provider: t.provider,
		Method: req.Method, Path: RedactedPath(req.URL), RequestSHA256: sum,
	}}
	if t.sent != nil && t.sent(req) {
		if err := t.log.RecordSent(x.entry); err != nil {
			closeRequestBody(req)
			return nil, fmt.Errorf("%w: the audit log cannot record it: %w", ErrNotSent, err)
		}
		x.entry.Time = time.Now() // the exchange's duration leaves the line's fsync out
	}
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { x.wrote.Store(i.Err == nil) }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		x.finishError()
		return nil, err
	}
	x.entry.Status = resp.StatusCode
	resp.Body = &body{x: x, rc: resp.Body, h: sha256.New()}
	return resp, nil
}

// exchange is one request on its way through the layer.
type exchange struct {
	rt    *roundTripper
	entry Entry
	wrote atomic.Bool
	once  sync.Once
}

// finishError records an exchange that got no answer.
func (x *exchange) finishError() {
	x.entry.Outcome = TransportError
	if x.wrote.Load() {
		x.entry.Outcome = Dropped
	}
	x.entry.ResponseSHA256 = digestHex(nil)
	x.record()
}

func (x *exchange) record() {
	x.once.Do(func() {
		x.entry.Duration = time.Since(x.entry.Time)
		// The error is kept by the Log (Err) and stops the next request.
		_ = x.rt.log.Record(x.entry)
	})
}

// body hashes a response body as it is read and records the exchange at
// its end.
type body struct {
	x      *exchange
	rc     io.ReadCloser
	h      hash.Hash
	prefix []byte // the first maxCodeBody bytes, for the code extractor
	mu     sync.Mutex
	ended  bool
}

// maxDrain bounds what Close reads of a body left unread.
const maxDrain = 1 << 20

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.consume(p[:n])
	switch {
	case err == io.EOF:
		b.end(true)
	case err != nil:
		b.end(false)
	}
	return n, err
}

func (b *body) consume(p []byte) {
	b.h.Write(p)
	if room := maxCodeBody - len(b.prefix); room > 0 {
		b.prefix = append(b.prefix, p[:min(room, len(p))]...)
	}
}

// end records the exchange once; complete says the body was read to EOF.
func (b *body) end(complete bool) {
	if b.ended {
		return
	}
	b.ended = true
	x := b.x
	x.entry.ResponseSHA256 = hex.EncodeToString(b.h.Sum(nil))
	x.entry.ResponseIncomplete = !complete
	x.entry.Code = safeCode(b.x.rt.code(b.prefix))
	switch {
	case !complete:
		x.entry.Outcome = Dropped
	case x.entry.Status >= 400:
		x.entry.Outcome = HTTPError
	default:
		x.entry.Outcome = OK
	}
	x.record()
}

func (b *body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.ended {
		buf := make([]byte, 32<<10)
		var read int64
		for read < maxDrain {
			n, err := b.rc.Read(buf)
			b.consume(buf[:n])
			read += int64(n)
			if err != nil {
				b.end(err == io.EOF)
				break
			}
		}
		if !b.ended {
			b.end(false)
		}
	}
	return b.rc.Close()
}

// digestRequest returns the hex sha256 of req's body and a request that
// can still send it.
func digestRequest(req *http.Request) (string, *http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return digestHex(nil), req, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			closeRequestBody(req)
			return "", nil, fmt.Errorf("reading the request body for the audit log: %w", err)
		}
		defer rc.Close()
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			closeRequestBody(req)
			return "", nil, fmt.Errorf("reading the request body for the audit log: %w", err)
		}
		return hex.EncodeToString(h.Sum(nil)), req, nil
	}
	buf, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return "", nil, fmt.Errorf("reading the request body for the audit log: %w", err)
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(buf))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	return digestHex(buf), r, nil
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
