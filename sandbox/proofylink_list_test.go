package sandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestProofylinkListPaging(t *testing.T) {
	h := newHarness(t, Options{})
	for i := 1; i <= 25; i++ {
		f := verificationFields("email")
		f["full_name"] = fmt.Sprintf("Subject %02d", i)
		f["id_number"] = fmt.Sprintf("31712345678901%02d", i)
		h.mustCreate("email", f)
		h.clock.Advance(time.Second)
	}
	host := strings.TrimPrefix(h.base, "http://")
	base := "http://" + host + plBase
	cases := map[string]struct {
		query               string
		page, from, to, per int
		first               string
		prev, next          string
		last                int
	}{
		"defaults":     {"", 1, 1, 10, 10, "Subject 25", "null", `"` + base + `?page=2"`, 3},
		"page 2":       {"?page=2", 2, 11, 20, 10, "Subject 15", `"` + base + `?page=1"`, `"` + base + `?page=3"`, 3},
		"last page":    {"?page=3", 3, 21, 25, 10, "Subject 05", `"` + base + `?page=2"`, "null", 3},
		"per_page 7":   {"?per_page=7&page=4", 4, 22, 25, 7, "Subject 04", `"` + base + `?page=3"`, "null", 4},
		"per_page cap": {"?per_page=1000", 1, 1, 25, 100, "Subject 25", "null", "null", 1},
		"bad page":     {"?page=abc&per_page=-3", 1, 1, 10, 10, "Subject 25", "null", `"` + base + `?page=2"`, 3},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := h.do("GET", plBase+c.query, "", bearer...)
			m := r.json(t)
			data := m["data"].([]any)
			if r.status != 200 || len(data) != c.to-c.from+1 || data[0].(map[string]any)["customer_name"] != c.first {
				t.Fatalf("%d, %d items, first %v", r.status, len(data), data[0])
			}
			links := fmt.Sprintf(`{"first":"%s?page=1","last":"%s?page=%d","prev":%s,"next":%s}`, base, base, c.last, c.prev, c.next)
			meta := fmt.Sprintf(`{"current_page":%d,"from":%d,"last_page":%d,"path":%q,"per_page":%d,"to":%d,"total":25,"q":""}`,
				c.page, c.from, c.last, base, c.per, c.to)
			if got := jsonBody(t, m["links"]); got != compactSorted(t, links) {
				t.Errorf("links %s\nwant  %s", got, links)
			}
			if !strings.Contains(r.body, `"meta":`+meta+`}`) {
				t.Errorf("body %s\nwant meta %s", r.body, meta)
			}
		})
	}
	h.do("GET", plBase+"?page=4", "", bearer...).expect(t, 400, `{"status":"fail","message":"Data not found."}`)
}

// compactSorted is the form json.Marshal gives a map: keys sorted.
func compactSorted(t *testing.T, s string) string {
	var m map[string]any
	if err := jsonUnmarshal(s, &m); err != nil {
		t.Fatal(err)
	}
	return jsonBody(t, m)
}

func TestProofylinkListItem(t *testing.T) {
	h := newHarness(t, Options{})
	code := h.mustCreate("email", map[string]any{
		"verification_type_id": 1, "id_number": "3171234567890053", "full_name": "MIRA SETIAWAN",
		"email": "mira@example.com", "phone_number": "62823423423423", "ktp_image": ktpImage,
	})
	h.clock.Advance(11 * time.Second)
	base := strings.Replace(h.base, "http://", "http://", 1) + plBase
	h.do("GET", plBase, "", bearer...).expect(t, 200, fmt.Sprintf(`{
		"status":"success","message":"Verifications retrieved successfully.",
		"data":[{"reference_code":%q,"verification_type_name":"Rekrutment/Screening Karyawan","status":"completed",
			"customer_name":"MIRA SETIAWAN","customer_id_number":"3171********0053","final_decision":null,
			"created_at":"2026-02-11T10:27:41.000000Z","updated_at":"2026-02-11T10:27:43.000000Z",
			"credibility_score":53,"credibility_level":"D"}],
		"links":{"first":"%s?page=1","last":"%s?page=1","prev":null,"next":null},
		"meta":{"current_page":1,"from":1,"last_page":1,"path":"%s","per_page":10,"to":1,"total":1,"q":""}}`,
		code, base, base, base))
}

func TestProofylinkListSearch(t *testing.T) {
	h := newHarness(t, Options{})
	names := []string{"Ani Putri", "Budi Santoso", "ANIKA Sari"}
	codes := make([]string, len(names))
	for i, n := range names {
		f := verificationFields("own")
		f["full_name"] = n
		f["verification_type_id"] = i + 1
		codes[i] = h.mustCreate("own", f)
	}
	cases := map[string]struct {
		q    string
		want []string
	}{
		"name any case":  {"ani", []string{"ANIKA Sari", "Ani Putri"}},
		"reference code": {strings.ToLower(codes[1]), []string{"Budi Santoso"}},
		"code prefix":    {"CST-", []string{"ANIKA Sari"}},
		"no q":           {"", []string{"ANIKA Sari", "Budi Santoso", "Ani Putri"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := h.do("GET", plBase+"?q="+c.q, "", bearer...)
			m := r.json(t)
			var got []string
			for _, d := range m["data"].([]any) {
				got = append(got, d.(map[string]any)["customer_name"].(string))
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") || m["meta"].(map[string]any)["q"] != c.q {
				t.Errorf("q=%q: %v, want %v (%s)", c.q, got, c.want, r.body)
			}
		})
	}
	h.do("GET", plBase+"?q=zzz", "", bearer...).expect(t, 400, `{"status":"fail","message":"Data not found."}`)
}
