package state_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// TestJournalSurvivesKill runs a child that applies updates from several
// goroutines (with a Compact now and then) and prints the index of each
// Apply once it has returned, kills it with SIGKILL at a random moment, and
// checks that the next Load holds every update the child reported durable.
// Rounds continue the same state, so later rounds start from what a killed
// run left: a journal, perhaps a torn line, perhaps a Compact cut short.
//
// The seed is fixed; DAFTAR_CRASH_SEED=random (or a number) varies it.
func TestJournalSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped in -short")
	}
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, seed))
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	durable := map[string]bool{}
	for round := range 10 {
		c := startChild(t, "journal", helperState+"="+path, helperRound+"="+strconv.Itoa(round))
		c.expect(t, "ready")
		reported := make(chan []string)
		go func() { // drain as it comes, or the child would block on a full pipe
			var lines []string
			for line := range c.lines {
				lines = append(lines, line)
			}
			reported <- lines
		}()
		// A random moment to kill at (the seed replays it), not an order
		// between events.
		time.Sleep(time.Duration(5+rng.IntN(150)) * time.Millisecond)
		c.kill()
		lines := <-reported
		n := len(lines)
		for _, line := range lines {
			durable[line] = true
		}
		s := loadAfterCrash(t, path)
		for addr := range durable {
			if s.Resources[addr] == nil {
				t.Fatalf("round %d (seed %d): %s was reported durable but is not in the loaded state", round, seed, addr)
			}
		}
		t.Logf("round %d: %d updates reported durable, %d resources loaded, serial %d", round, n, len(s.Resources), s.Serial)
	}
}

func crashSeed(t *testing.T) uint64 {
	switch v := os.Getenv("DAFTAR_CRASH_SEED"); v {
	case "":
		return 20261122
	case "random":
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		return seed
	default:
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("DAFTAR_CRASH_SEED=%s: %v", v, err)
		}
		return seed
	}
}

// loadAfterCrash loads as the next run would: the dead child's lock must
// not stand in the way.
func loadAfterCrash(t *testing.T, path string) *state.State {
	t.Helper()
	b := state.NewLocal(path, state.LocalOptions{})
	unlock, err := b.Lock(done(), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatalf("the killed child's lock blocks: %v", err)
	}
	defer unlock.Unlock()
	s, err := b.Load(context.Background())
	if err != nil {
		t.Fatalf("Load after a kill: %v", err)
	}
	return s
}

// appendUntilKilled is the child of TestJournalSurvivesKill.
func appendUntilKilled(path, round string) {
	b := state.NewLocal(path, state.LocalOptions{})
	if _, err := b.Lock(context.Background(), state.NewLockInfo("apply")); err != nil {
		fail(err)
	}
	s, err := b.Load(context.Background())
	if err != nil {
		fail(err)
	}
	var mu sync.Mutex // guards s
	var next atomic.Int64
	fmt.Println("ready")
	for range 16 {
		go func() {
			for {
				i := next.Add(1)
				u := crashUpdate(round, i)
				mu.Lock()
				s.Apply(u)
				mu.Unlock()
				if err := b.Apply(context.Background(), u); err != nil {
					fail(err)
				}
				os.Stdout.WriteString(u.Set[0].Address + "\n")
				if i%500 == 0 {
					mu.Lock()
					err := b.Compact(context.Background(), s)
					mu.Unlock()
					if err != nil {
						fail(err)
					}
				}
			}
		}()
	}
	select {}
}

func crashUpdate(round string, i int64) state.Update {
	r := (&state.Resource{Address: fmt.Sprintf("usapi_account.crash[\"r%s-%d\"]", round, i)}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "crash", Provider: "usapi"}).WithIndexKey(json.RawMessage(fmt.Sprintf(`"r%s-%d"`, round, i))).WithUpdatedAt(time.Now().UTC()).WithAttributes(json.RawMessage(fmt.Sprintf(`{"username":"user-%s-%d","email":"user%d@example.id"}`, round, i, i)))
	return state.Update{Set: []*state.Resource{r}}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "helper:", err)
	os.Exit(1)
}
