package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestHelperSandboxProcess is not a test: TestKillNineLosesNothing runs the
// test binary again with this as the only test, to serve a sandbox from a
// process it can kill.
func TestHelperSandboxProcess(t *testing.T) {
	dir := os.Getenv("SANDBOX_HELPER_DATA")
	if dir == "" {
		t.Skip("helper process only")
	}
	os.Exit(Main([]string{"-addr=127.0.0.1:0", "-data=" + dir}, os.Stdout, os.Stderr))
}

func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperSandboxProcess$")
	cmd.Env = append(os.Environ(), "SANDBOX_HELPER_DATA="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("no listening line: %v", err)
	}
	base := strings.Fields(strings.TrimPrefix(line, "daftar sandbox listening on "))[0]

	h := &harness{t: t, base: base, clnt: http.DefaultClient}
	for i := range 20 {
		register(h, accountFields(fmt.Sprintf("user%d", i), fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("62812000%04d", i))).
			expect(t, 200, `{"status":true,"message":"Account has been created"}`)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no Close, no flush
		t.Fatal(err)
	}
	cmd.Wait()

	s, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	if n := len(s.state().Accounts); n != 20 {
		t.Errorf("%d of 20 acknowledged accounts survived kill -9", n)
	}
}
