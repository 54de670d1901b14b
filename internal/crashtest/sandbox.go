package crashtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Sandbox is a `daftar sandbox` process on a fixed loopback port, so that
// it can be killed and restarted on the same address and -data directory
// while a daftar apply talks to it.
type Sandbox struct {
	tb   testing.TB
	bin  string
	Addr string // 127.0.0.1:PORT
	Data string
	// Flags are the fault flags (-drop-rate=0.1 ...), given at every start.
	Flags []string

	cmd  *exec.Cmd
	done chan struct{}
	log  *lockedBuffer
}

// StartSandbox starts a sandbox on a free port with its records in a new
// temporary directory; the test's cleanup stops it.
func StartSandbox(tb testing.TB, bin string, flags ...string) *Sandbox {
	tb.Helper()
	s := &Sandbox{tb: tb, bin: bin, Addr: "127.0.0.1:" + strconv.Itoa(FreePort(tb)), Data: tb.TempDir(), Flags: flags}
	s.Start()
	tb.Cleanup(s.Stop)
	return s
}

// URL is the sandbox's base URL, before the /usapi, /proofylink and
// /prakerja mounts.
func (s *Sandbox) URL() string { return "http://" + s.Addr }

// Start starts the process and waits for its "listening" line. A port
// still held by the killed process's last connections is retried for a
// few seconds.
func (s *Sandbox) Start() {
	s.tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.start()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("starting the sandbox on %s: %v", s.Addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Sandbox) start() error {
	args := append([]string{"sandbox", "-addr=" + s.Addr, "-data=" + s.Data}, s.Flags...)
	cmd := exec.Command(s.bin, args...)
	cmd.Env = withoutDaftarEnv()
	s.log = &lockedBuffer{}
	cmd.Stderr = s.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	listening := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			s.log.Write([]byte(sc.Text() + "\n"))
			if !ok && strings.Contains(sc.Text(), "listening on") {
				ok = true
				listening <- true
			}
		}
		if !ok {
			listening <- false
		}
	}()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case ok := <-listening:
		if !ok {
			<-done
			return fmt.Errorf("the sandbox exited: %s", s.log.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("the sandbox did not start in 10s: %s", s.log.String())
	}
	s.cmd, s.done = cmd, done
	return nil
}

// Kill ends the sandbox with SIGKILL, as a crash would, and waits for it.
func (s *Sandbox) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// Heal starts the sandbox again, on the same address and records,
// without its faults (-drop-rate, -error-rate): the remote is healthy
// again. A check of what the state holds (the last plan, which reads each
// verification whose outcome is not recorded yet) then checks the state,
// not the retries: at a drop rate of 0.1 and an error rate of 0.05, a read
// failing its five attempts in a row (0.15^5) failed about one run in fifty
// of a batch of 255.
func (s *Sandbox) Heal() {
	s.tb.Helper()
	s.Stop()
	var kept []string
	for _, f := range s.Flags {
		if !strings.HasPrefix(f, "-drop-rate=") && !strings.HasPrefix(f, "-error-rate=") {
			kept = append(kept, f)
		}
	}
	s.Flags = kept
	s.Start()
}

// Stop ends the sandbox with SIGTERM (it syncs its records) and waits.
func (s *Sandbox) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Records is what GET /_sandbox/state answers, the fields the tests read.
type Records struct {
	Accounts []struct {
		Username     string `json:"username"`
		Email        string `json:"email"`
		BasicProfile *struct {
			Gender      string `json:"gender"`
			PhoneNumber string `json:"phone_number"`
			DateOfBirth string `json:"date_of_birth"`
		} `json:"basic_profile"`
	} `json:"usapi_accounts"`
	Verifications []struct {
		ReferenceCode      string `json:"reference_code"`
		IDNumber           string `json:"id_number"`
		VerificationTypeID int    `json:"verification_type_id"`
		FullName           string `json:"full_name"`
		Email              string `json:"email"`
		Status             string `json:"status"`
	} `json:"proofylink_verifications"`
	TokensLeft int `json:"proofylink_tokens_left"`
	Requests   struct {
		Total     int `json:"total"`
		Throttled int `json:"throttled"`
		Failed    int `json:"failed"`
		Dropped   int `json:"dropped"`
		Held      int `json:"held"`
	} `json:"requests"`
}

// Records reads every stored record.
func (s *Sandbox) Records() *Records {
	s.tb.Helper()
	resp, err := http.Get(s.URL() + "/_sandbox/state")
	if err != nil {
		s.tb.Fatalf("GET /_sandbox/state: %v", err)
	}
	defer resp.Body.Close()
	var r Records
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		s.tb.Fatalf("GET /_sandbox/state: %v", err)
	}
	return &r
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// withoutDaftarEnv is the environment without DAFTAR_* variables, so that
// a developer's settings do not leak into the processes under test.
func withoutDaftarEnv() []string {
	var out []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DAFTAR_") {
			out = append(out, e)
		}
	}
	return out
}
