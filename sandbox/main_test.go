package sandbox

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestMainFlagErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"unknown flag":       {[]string{"-bogus"}, "flag provided but not defined: -bogus"},
		"bad duration":       {[]string{"-latency=soon"}, `invalid value "soon" for flag -latency`},
		"negative latency":   {[]string{"-latency=-1s"}, "-latency must not be negative"},
		"error rate above 1": {[]string{"-error-rate=2"}, "-error-rate must be between 0 and 1"},
		"error rate NaN":     {[]string{"-error-rate=NaN"}, "-error-rate must be between 0 and 1"},
		"drop rate negative": {[]string{"-drop-rate=-0.1"}, "-drop-rate must be between 0 and 1"},
		"max rps negative":   {[]string{"-max-rps=-1"}, "-max-rps must not be negative"},
		"tokens negative":    {[]string{"-tokens=-5"}, "-tokens must not be negative"},
		"tokens text":        {[]string{"-tokens=many"}, `invalid value "many" for flag -tokens`},
		"verify negative":    {[]string{"-verify-delay=-2s"}, "-verify-delay must not be negative"},
		"seed text":          {[]string{"-seed=x"}, `invalid value "x" for flag -seed`},
		"fault kind":         {[]string{"-fault=boom:POST:/usapi/signup:1"}, "the kind is one of fail, drop, hang, hang-after"},
		"stray argument":     {[]string{"serve"}, `unexpected argument "serve"`},
		"empty addr":         {[]string{"-addr="}, "-addr must not be empty"},
		"bad addr":           {[]string{"-addr=nowhere"}, "listen tcp: address nowhere: missing port in address"},
		"data is a file":     {[]string{"-addr=127.0.0.1:0", "-data=main_test.go"}, "sandbox data directory"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), c.args, &stdout, &stderr)
			msg := stderr.String()
			if code != 1 || !strings.HasPrefix(msg, "daftar sandbox: ") || !strings.Contains(msg, c.want) ||
				strings.Count(msg, "\n") != 1 || stdout.Len() != 0 {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit 1 and one line with %q", code, msg, stdout.String(), c.want)
			}
		})
	}
}

func TestMainHelp(t *testing.T) {
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stdout, io.Discard); code != 0 || !strings.Contains(stdout.String(), "-verify-delay") {
		t.Errorf("exit %d, %q", code, stdout.String())
	}
}

func TestMainServesUntilStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-addr=127.0.0.1:0", "-data=" + t.TempDir(), "-tokens=0", "-verify-delay=0"}, w, io.Discard)
		w.Close()
	}()
	line := make([]byte, 200)
	n, _ := r.Read(line)
	got := string(line[:n])
	const prefix = "daftar sandbox listening on http://127.0.0.1:"
	if !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, " (usapi: /usapi, proofylink: /proofylink, prakerja: /prakerja)\n") {
		t.Fatalf("listening line %q", got)
	}
	base := strings.Fields(strings.TrimPrefix(got, "daftar sandbox listening on "))[0]
	h := &harness{t: t, base: base, clnt: &httpClient}
	h.createVerification("email", verificationFields("email")).
		expect(t, 400, `{"status":"fail","message":"Insufficient token balance"}`) // -tokens=0 is an empty balance
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after stop", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}
