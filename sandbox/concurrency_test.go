package sandbox

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// Many clients at once: every unique account is created exactly once, every
// duplicate is refused, tokens are never overspent, codes never repeat, and
// all of it survives a restart.
func TestConcurrentClients(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, Options{DataDir: dir, Tokens: 150})
	const workers, perWorker = 16, 25
	var created, dupes, verified, broke atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				n := w*perWorker + i
				// Every account is attempted twice, by two workers, under one name.
				name := n % (workers * perWorker / 2)
				r := h.do("POST", "/usapi/signup", jsonBody(t, map[string]any{
					"username": fmt.Sprintf("u%d", name), "password": "p", "first_name": "F", "last_name": "L",
					"email": fmt.Sprintf("u%d@example.com", name), "phone_number": fmt.Sprintf("6281%07d", name),
				}), basicAuth...)
				switch {
				case r.status == 200:
					created.Add(1)
				case r.status == 400 && r.body == `{"message":"Username already exist"}`:
					dupes.Add(1)
				default:
					broke.Add(1)
				}
				v := h.createVerification("email", verificationFields("email"))
				switch v.status {
				case 201:
					verified.Add(1)
				case 400:
				default:
					broke.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	total := int64(workers * perWorker)
	if created.Load() != total/2 || dupes.Load() != total/2 || broke.Load() != 0 || verified.Load() != 150 {
		t.Fatalf("created %d dupes %d verified %d unexpected %d", created.Load(), dupes.Load(), verified.Load(), broke.Load())
	}
	checkUnique(t, h.state(), total/2, 150)
	h = reopen(t, h, Options{DataDir: dir})
	checkUnique(t, h.state(), total/2, 150)
}

func checkUnique(t *testing.T, st stateView, accounts, verifications int64) {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range st.Accounts {
		seen[a.Username] = true
	}
	for _, v := range st.Verifications {
		seen[v.ReferenceCode] = true
	}
	if int64(len(st.Accounts)) != accounts || int64(len(st.Verifications)) != verifications ||
		int64(len(seen)) != accounts+verifications || st.TokensLeft != 0 {
		t.Errorf("%d accounts, %d verifications, %d distinct ids, %d tokens left",
			len(st.Accounts), len(st.Verifications), len(seen), st.TokensLeft)
	}
}

// BenchmarkSignup measures the request path on loopback; run with
// -bench and -cpu to see throughput under concurrency.
func BenchmarkSignup(b *testing.B) {
	h := newHarness(b, Options{DataDir: b.TempDir()})
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			h.do("POST", "/usapi/signup", fmt.Sprintf(`{"username":"b%d","password":"p","first_name":"F","last_name":"L","email":"b%d@example.com"}`, i, i), basicAuth...)
		}
	})
}
