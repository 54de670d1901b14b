package postgres

import (
	"context"
	"net"
	"strings"
	"testing"
)

// A server that refuses the connection is named with its address and the
// cause in one phrase: no pgx/dial chain, never the password.
func TestConnectionRefusedIsOnePhrase(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	host, port, _ := net.SplitHostPort(addr)
	b := New(Options{ConnStr: "postgres://daftar:Hunter2-Secret@" + addr + "/daftar?sslmode=disable&connect_timeout=5"})
	_, err = b.Load(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	want := "cannot connect to PostgreSQL at " + host + ":" + port + "/daftar: connection refused"
	if !strings.Contains(msg, want) {
		t.Errorf("error %q, want %q", msg, want)
	}
	for _, raw := range []string{"Hunter2-Secret", "dial tcp", "failed to connect", "connect:", "user="} {
		if strings.Contains(msg, raw) {
			t.Errorf("error %q shows %q", msg, raw)
		}
	}
}
