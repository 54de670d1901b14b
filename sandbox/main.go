package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Main is the `daftar sandbox` command. It serves until SIGINT or SIGTERM
// and answers the exit code: 0 after a clean stop, 1 on any error (bad
// flags included, reported in one line on stderr).
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout, stderr)
}

// run is Main with the stopping condition given, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	addr, opts, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "daftar sandbox: %v\n", err)
		return 1
	}
	if err := serve(ctx, addr, opts, stdout); err != nil {
		fmt.Fprintf(stderr, "daftar sandbox: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, addr string, opts Options, stdout io.Writer) error {
	s, err := New(opts)
	if err != nil {
		return err
	}
	base, err := s.Start(addr)
	if err != nil {
		return errors.Join(err, s.Close())
	}
	fmt.Fprintf(stdout, "daftar sandbox listening on %s (usapi: /usapi, proofylink: /proofylink, prakerja: /prakerja)\n", base)
	<-ctx.Done()
	return s.Close()
}

const usage = `Usage: daftar sandbox [flags]

Serves fakes of USAPI (/usapi), Proofylink (/proofylink) and Prakerja (/prakerja),
and GET /_sandbox/state.

  -addr=HOST:PORT         listen address (default 127.0.0.1:8787)
  -data=DIR               keep records in DIR across restarts (default: in memory)
  -latency=DURATION       delay every answer
  -error-rate=F           answer this fraction (0..1) with 500
  -drop-rate=F            do the work, then cut the connection, for this fraction
  -status-false-rate=F    answer this fraction of USAPI's registrations and profile updates 200 {"status": false}, without acting
  -redirect-rate=F        answer this fraction with a redirect, without acting
  -redirect-to=URL        where the redirects point (default http://redirect.invalid)
  -redirect-status=N      the redirect's status: 301, 302, 303, 307 (default) or 308
  -max-rps=N              answer 429 above N requests per second per API (0: no limit)
  -tokens=N               Proofylink tokens at first start (default 1000)
  -verify-delay=DURATION  time until a verification is final (default 2s; 0: at once)
  -seed=N                 seed of the fault randomness (default: time-based)
  -fault=KIND:METHOD:PATH:N  the Nth METHOD request to PATH (mount included) meets
                          KIND: fail, drop, hang or hang-after (repeatable)
  -echo-refuse=TEXT       refuse with a 400 that quotes the whole request every
                          request containing TEXT (testing what a client shows)
`

// parseFlags reads the flags into an address and Options, checking ranges.
func parseFlags(args []string) (string, Options, error) {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o Options
	addr := fs.String("addr", "127.0.0.1:8787", "")
	fs.StringVar(&o.DataDir, "data", "", "")
	fs.DurationVar(&o.Latency, "latency", 0, "")
	fs.Float64Var(&o.ErrorRate, "error-rate", 0, "")
	fs.Float64Var(&o.DropRate, "drop-rate", 0, "")
	fs.Float64Var(&o.StatusFalseRate, "status-false-rate", 0, "")
	fs.Float64Var(&o.RedirectRate, "redirect-rate", 0, "")
	fs.StringVar(&o.RedirectTo, "redirect-to", DefaultRedirectTo, "")
	fs.IntVar(&o.RedirectStatus, "redirect-status", 307, "")
	fs.Float64Var(&o.MaxRPS, "max-rps", 0, "")
	fs.IntVar(&o.Tokens, "tokens", DefaultTokens, "")
	fs.DurationVar(&o.VerifyDelay, "verify-delay", DefaultVerifyDelay, "")
	fs.Int64Var(&o.Seed, "seed", 0, "")
	fs.Func("fault", "", func(v string) error {
		rule, err := ParseFaultRule(v)
		o.Faults = append(o.Faults, rule)
		return err
	})
	fs.StringVar(&o.EchoRefuse, "echo-refuse", "", "")
	if err := fs.Parse(args); err != nil {
		return "", o, flagError(err)
	}
	if fs.NArg() > 0 {
		return "", o, fmt.Errorf("unexpected argument %q; the sandbox takes only flags", fs.Arg(0))
	}
	if err := checkOptions(*addr, o); err != nil {
		return "", o, err
	}
	return *addr, toOptions(o), nil
}

// flagError keeps the flag package's message on one line.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), "\n", " "))
}

func checkOptions(addr string, o Options) error {
	switch {
	case addr == "":
		return errors.New("-addr must not be empty")
	case o.Latency < 0:
		return errors.New("-latency must not be negative")
	case !(o.ErrorRate >= 0 && o.ErrorRate <= 1):
		return fmt.Errorf("-error-rate must be between 0 and 1, got %v", o.ErrorRate)
	case !(o.DropRate >= 0 && o.DropRate <= 1):
		return fmt.Errorf("-drop-rate must be between 0 and 1, got %v", o.DropRate)
	case !(o.StatusFalseRate >= 0 && o.StatusFalseRate <= 1):
		return fmt.Errorf("-status-false-rate must be between 0 and 1, got %v", o.StatusFalseRate)
	case !(o.RedirectRate >= 0 && o.RedirectRate <= 1):
		return fmt.Errorf("-redirect-rate must be between 0 and 1, got %v", o.RedirectRate)
	case !validRedirectStatus(o.RedirectStatus):
		return fmt.Errorf("-redirect-status must be 301, 302, 303, 307 or 308, got %d", o.RedirectStatus)
	case !validBaseURL(o.RedirectTo):
		return fmt.Errorf("-redirect-to must be an absolute http or https URL, got %q", o.RedirectTo)
	case !(o.MaxRPS >= 0) || math.IsInf(o.MaxRPS, 0):
		return fmt.Errorf("-max-rps must not be negative, got %v", o.MaxRPS)
	case o.Tokens < 0:
		return fmt.Errorf("-tokens must not be negative, got %d", o.Tokens)
	case o.VerifyDelay < 0:
		return errors.New("-verify-delay must not be negative")
	}
	return nil
}

func validRedirectStatus(code int) bool {
	switch code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

func validBaseURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// toOptions maps the flags' zeros to what they mean on the command line:
// -tokens=0 is an empty balance, -verify-delay=0 is final at once.
func toOptions(o Options) Options {
	if o.Tokens == 0 {
		o.Tokens = -1
	}
	if o.VerifyDelay == 0 {
		o.VerifyDelay = time.Nanosecond
	}
	return o
}
