package state

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// A journal line that only sets records is written by resourceCodec; its
// bytes are json.Marshal's (HTML characters escaped included), and such a
// line is written the fast way unless it holds one of them.
func TestEncodeLineMatchesJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	texts := []string{"ani", "p0000001@example.id", "<b>&</b>", "a\u2028b", "tab\there", "é", "\xff", `q"uote\`, "😀"}
	text := func() string { return texts[r.IntN(len(texts))] }
	attrs := func() json.RawMessage {
		if r.IntN(5) == 0 {
			return nil
		}
		b, _ := json.Marshal(map[string]any{"username": text(), "email": text(), "n": r.IntN(1000), "ok": r.IntN(2) == 0})
		if r.IntN(3) == 0 {
			b = append([]byte(" "), b...) // not compact: the encoders compact it
		}
		return b
	}
	resource := func() *Resource {
		res := (&Resource{Address: `usapi_account.person["` + text() + `"]`}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}).WithIndexKey(jsonString(text())).WithUpdatedAt(time.Date(2026, 12, 6, 0, 0, r.IntN(60), r.IntN(1e9), time.UTC)).WithAttributes(attrs())
		if r.IntN(2) == 0 {
			res.SetConfigDigest("sha256:" + text())
			res.Settled = true
		}
		if r.IntN(3) == 0 {
			res.SetSensitivePaths([][]any{{"password"}, {"basic_profile", float64(r.IntN(3))}})
		}
		if r.IntN(3) == 0 {
			res.SetDependencies([]string{"usapi_account.other"})
		}
		if r.IntN(2) == 0 {
			res.SetPending(&Intent{ID: text(), Operation: "create", Started: time.Unix(int64(r.IntN(1e9)), 0).UTC(), RunID: "run", RequestDigest: text(), Acknowledged: r.IntN(2) == 0})
		}
		return res
	}
	fast := 0
	for i := range 3000 {
		u := Update{}
		for range 1 + r.IntN(3) {
			u.Set = append(u.Set, resource())
		}
		switch r.IntN(8) {
		case 0:
			u.Remove = []string{"a.b"}
		case 1:
			u.DigestKeyID = "k"
		case 2:
			u.Outputs = map[string]*Output{}
		}
		lineage := "lineage-" + text()
		want, err := entryPayload(lineage, uint64(i), u)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := setPayload(lineage, uint64(i), u); ok {
			fast++
			if string(got) != string(want) {
				t.Fatalf("update %d:\n got %s\nwant %s", i, got, want)
			}
		}
		line, err := encodeLine(lineage, uint64(i), u)
		if err != nil {
			t.Fatal(err)
		}
		e, err := decodeLine(line[:len(line)-1])
		if err != nil || e.Serial != uint64(i) || len(e.Set) != len(u.Set) {
			t.Fatalf("update %d: its line reads back as %+v, %v", i, e, err)
		}
	}
	if fast < 300 {
		t.Errorf("only %d of 3000 lines were written by resourceCodec", fast)
	}
	// An apply's intent, as the executor writes it, takes the fast way.
	intent := (&Resource{Address: `usapi_account.person["p0000001"]`}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}).WithIndexKey(json.RawMessage(`"p0000001"`)).WithUpdatedAt(time.Now().UTC()).WithPending(&Intent{ID: "0123456789abcdef", Operation: "create", Started: time.Now().UTC(), RunID: "run", RequestDigest: "hmac-sha256:00ff"})
	if _, ok := setPayload("lineage", 1, Update{Set: []*Resource{intent}}); !ok {
		t.Error("an apply's intent line was not written by resourceCodec")
	}
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
