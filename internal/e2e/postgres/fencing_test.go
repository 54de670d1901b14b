//go:build unix

package postgres_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/e2e/binrun"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

// The tests of issue 15: a process that lost its lock or its claim sends
// nothing more.

// checkOnce fails unless the sandbox holds n verifications, one per NIK.
func checkOnce(t *testing.T, sb *sandboxState, n int) {
	t.Helper()
	ids := map[string]int{}
	for _, v := range sb.Verifications {
		ids[v.IDNumber]++
	}
	if len(sb.Verifications) != n || len(ids) != n {
		t.Errorf("the sandbox holds %d verifications of %d NIKs, want %d, each once (%d paid twice)", len(sb.Verifications), len(ids), n, len(sb.Verifications)-len(ids))
	}
}

// idleRole creates a login role whose sessions the server ends after
// timeout of idleness (idle_session_timeout set on the role, as a DBA
// would), and returns a connection string for it.
func idleRole(t *testing.T, timeout string) string {
	t.Helper()
	cs := pgtest.ConnStr(t)
	u, err := url.Parse(cs)
	if err != nil || u.Scheme == "" {
		t.Skipf("this test needs a URL connection string to change its user, not %q", "key=value")
	}
	var b [4]byte
	rand.Read(b[:])
	name, password := "daftar_idle_"+hex.EncodeToString(b[:]), hex.EncodeToString(b[:])+"Pw"
	admin(t, cs, fmt.Sprintf("CREATE ROLE %s LOGIN SUPERUSER PASSWORD '%s'", name, password),
		fmt.Sprintf("ALTER ROLE %s SET idle_session_timeout = '%s'", name, timeout))
	t.Cleanup(func() { admin(t, cs, "DROP OWNED BY "+name, "DROP ROLE "+name) })
	u.User = url.UserPassword(name, password)
	return u.String()
}

// startDaftar starts the binary in dir with env, its output in dir/out.
func startDaftar(t *testing.T, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd := exec.Command(daftarBin, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, out, out
	// A process group of its own, whose parent (this test) is in another:
	// a stopped process in a group that is orphaned (this test run in
	// the background of a shell that exited) gets SIGHUP when any member
	// of its group exits.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// A plain apply whose lock session the server ends: idle_session_timeout
// is set on its role, and the apply is stopped (SIGSTOP: a paused VM, a
// long pause) with creates queued, so its session idles past the timeout
// (while it runs, its once-a-second check of the lock keeps the session
// busy). A second apply started after the timeout takes the lock and
// finishes the work; the first, resumed, finds its lock lost and stops
// with an error saying so, sending nothing: no verification is paid
// twice, and the sandbox (-max-rps = rate_limit) throttles nothing.
func TestIdleSessionTimeoutStopsPlainApply(t *testing.T) {
	const n, rate = 30, 3
	schema := pgtest.Schema(t)
	url := sandbox(t, fmt.Sprintf("-max-rps=%d", rate), "-tokens=1000", "-verify-delay=0s")
	first := verificationsDir(t, url, schema, n, rate)
	second := verificationsDir(t, url, schema, n, rate)
	idleEnv := binrun.Env("DAFTAR_PG_CONN_STR="+idleRole(t, "3s"), daftarVars(t)[1])

	a := startDaftar(t, first, idleEnv, "apply", "-auto-approve")
	waitFor(t, time.Minute, func() bool { return len(readSandbox(t, url).Verifications) >= 6 })
	if err := a.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Process.Signal(syscall.SIGCONT) })
	// The lock is free once the server ended the stopped apply's session.
	waitFor(t, time.Minute, func() bool {
		return count(t, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == 0
	})
	b := startDaftar(t, second, env(t), "apply", "-auto-approve")
	if err := waitExit(b, 3*time.Minute); err != nil {
		t.Fatalf("the second apply: %v\n%s", err, tail(second, "out"))
	}
	checkOnce(t, readSandbox(t, url), n)
	linesBefore := len(auditLines(t, first))

	if err := a.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(a, 2*time.Minute); exitCode(err) != 1 {
		t.Fatalf("the first apply: %v, want exit 1\n%s", err, tail(first, "out"))
	}
	if out := output(t, first); !strings.Contains(out, "was lost") || !strings.Contains(out, "idle_session_timeout") {
		t.Errorf("the first apply must say it lost its lock, and the likely causes:\n%s", out)
	}
	after := readSandbox(t, url)
	checkOnce(t, after, n)
	if sent := postsSentSince(t, first, linesBefore); sent != 0 {
		t.Errorf("the resumed apply's audit log shows %d creates sent after the second apply", sent)
	}
	if after.Requests.Throttled != 0 {
		t.Errorf("the sandbox throttled %d requests", after.Requests.Throttled)
	}
	if r := daftar(t, second, "plan", "-detailed-exitcode", "-refresh=false"); r.code != 0 {
		t.Errorf("plan after both applies: %s", r)
	}
	must(t, 0, first, "audit", "verify")
	t.Logf("the first apply ended with:\n%s", tail(first, "out"))
}

// While it runs, an apply's check of its lock keeps the lock's session
// busy: idle_session_timeout on its role does not end it, the apply
// completes, and a second apply started meanwhile is refused the lock.
func TestIdleSessionTimeoutSparesARunningApply(t *testing.T) {
	const n, rate = 30, 3
	schema := pgtest.Schema(t)
	url := sandbox(t, "-tokens=1000", "-verify-delay=0s")
	first := verificationsDir(t, url, schema, n, rate)
	second := verificationsDir(t, url, schema, n, rate)
	idleEnv := binrun.Env("DAFTAR_PG_CONN_STR="+idleRole(t, "2s"), daftarVars(t)[1])

	a := startDaftar(t, first, idleEnv, "apply", "-auto-approve")
	// Past the timeout, the lock is still held.
	waitFor(t, time.Minute, func() bool { return len(readSandbox(t, url).Verifications) >= 9 })
	r := daftar(t, second, "apply", "-auto-approve")
	if still := len(readSandbox(t, url).Verifications) < n; still && (r.code != 1 || !strings.Contains(r.stderr, "the state is locked by apply")) {
		t.Errorf("a second apply while the first runs: %s", r)
	}
	if err := waitExit(a, 2*time.Minute); err != nil {
		t.Fatalf("the first apply: %v\n%s", err, tail(first, "out"))
	}
	checkOnce(t, readSandbox(t, url), n)
}

// A worker stopped (SIGSTOP) with claimed verifications queued at the
// shared rate limiter, whose session then ends, is presumed dead: another
// worker takes its claims over and finishes the batch. Resumed, the first
// finds its limiter slots stale and its claims gone, and sends nothing:
// no verification is paid twice, and the sandbox, whose -max-rps equals
// rate_limit, throttles nothing.
func TestStoppedWorkerSendsNothingAfterTakeOver(t *testing.T) {
	const n, rate = 40, 4
	schema := pgtest.Schema(t)
	url := sandbox(t, fmt.Sprintf("-max-rps=%d", rate), "-tokens=1000", "-verify-delay=0s")
	dirs := []string{verificationsDir(t, url, schema, n, rate), verificationsDir(t, url, schema, n, rate)}
	must(t, 0, dirs[0], "plan", "-out=batch.plan")
	plan, err := os.ReadFile(filepath.Join(dirs[0], "batch.plan"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dirs[1], map[string]string{"batch.plan": string(plan)})

	w1 := startDaftar(t, dirs[0], env(t), "apply", "-join", "-parallelism=10", "batch.plan")
	waitFor(t, time.Minute, func() bool { return len(readSandbox(t, url).Verifications) >= 4 })
	if err := w1.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w1.Process.Signal(syscall.SIGCONT) })
	// Its session ends while it is stopped (a server restart or a cut
	// network would do the same).
	admin(t, pgtest.ConnStr(t), "SELECT pg_terminate_backend(backend_pid) FROM "+pgx.Identifier{schema}.Sanitize()+".locks")
	w2 := startDaftar(t, dirs[1], env(t), "apply", "-join", "-parallelism=10", "batch.plan")
	if err := waitExit(w2, 3*time.Minute); err != nil {
		t.Fatalf("the second worker: %v\n%s", err, tail(dirs[1], "out"))
	}
	checkOnce(t, readSandbox(t, url), n)
	linesBefore := len(auditLines(t, dirs[0]))

	if err := w1.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(w1, 2*time.Minute); exitCode(err) != 1 {
		t.Fatalf("the resumed worker: %v, want exit 1\n%s", err, tail(dirs[0], "out"))
	}
	if out := output(t, dirs[0]); !strings.Contains(out, "was lost") {
		t.Errorf("the resumed worker must say it lost its lock:\n%s", out)
	}
	after := readSandbox(t, url)
	checkOnce(t, after, n)
	if after.Requests.Throttled != 0 {
		t.Errorf("the sandbox throttled %d requests", after.Requests.Throttled)
	}
	// A request already in flight when it was stopped may still be
	// answered (and its answer recorded) once it resumes: that is not a
	// request sent again (postsSentSince).
	if sent := postsSentSince(t, dirs[0], linesBefore); sent != 0 {
		t.Errorf("the resumed worker's audit log shows %d creates sent after the take-over", sent)
	}
	must(t, 0, dirs[0], "audit", "verify")
	t.Logf("worker 1: %q; worker 2: %q", lastLine(dirs[0]), lastLine(dirs[1]))
}

// auditLines are the lines of dir's audit log.
func auditLines(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// postsSentSince counts the POSTs dir's audit log shows both leaving (a
// "sent" line, written as a request not safe to repeat leaves the rate
// limiter, before the fence) and answered by the server (a "request" line
// with a status) after its first from lines: what the daftar sent after
// that point. A request the fence kept back has a "sent" line but no
// status; one sent before that point and answered after has its "sent"
// line before it.
func postsSentSince(t *testing.T, dir string, from int) int {
	t.Helper()
	lines := auditLines(t, dir)
	sent := map[string]int{}
	n := 0
	for _, line := range lines[min(from, len(lines)):] {
		var l struct {
			Event, Method, Resource string
			Status                  int
		}
		if json.Unmarshal([]byte(line), &l) != nil || l.Method != "POST" {
			continue
		}
		switch {
		case l.Event == "sent":
			sent[l.Resource]++
		case l.Event == "request" && l.Status != 0 && sent[l.Resource] > 0:
			sent[l.Resource]--
			n++
		}
	}
	return n
}

// output is all that the daftar started in dir printed.
func output(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
