package sandbox

import (
	"fmt"
	"testing"
	"time"
)

func TestProofylinkStatusFlow(t *testing.T) {
	flows := map[string][]string{
		"email":  {"ocr_verification", "pending_consent", "waiting_confirmation", "processing", "on_data_collection", "on_credit_analysis", "completed"},
		"own":    {"ocr_verification", "processing", "on_data_collection", "on_credit_analysis", "completed"},
		"upload": {"ocr_verification", "processing", "on_data_collection", "on_credit_analysis", "completed"},
	}
	for consent, flow := range flows {
		t.Run(consent, func(t *testing.T) {
			steps := len(flow) - 1
			h := newHarness(t, Options{VerifyDelay: time.Duration(steps) * time.Second})
			code := h.mustCreate(consent, verificationFields(consent))
			created := h.clock.Now()
			for i, want := range flow {
				v := h.state().Verifications[0]
				updated := laravelTime(created.Add(time.Duration(i) * time.Second))
				if v.Status != want || v.UpdatedAt != updated {
					t.Errorf("after %ds: %s updated %s, want %s updated %s", i, v.Status, v.UpdatedAt, want, updated)
				}
				if r := h.do("GET", plBase+"/"+code, "", bearer...); r.json(t)["data"].(map[string]any)["verification"].(map[string]any)["status"] != want {
					t.Errorf("detail after %ds: %s", i, r.body)
				}
				h.clock.Advance(999 * time.Millisecond)
				if v := h.state().Verifications[0]; v.Status != want && i < steps {
					t.Errorf("status changed early: %s", v.Status)
				}
				h.clock.Advance(time.Millisecond)
			}
		})
	}
}

func TestProofylinkDetail(t *testing.T) {
	h := newHarness(t, Options{})
	completed := h.mustCreate("email", withField(verificationFields("email"), "id_number", "3171234567890053"))
	failed := h.mustCreate("upload", withField(verificationFields("upload"), "id_number", "3171234567890000"))
	pending := fmt.Sprintf(`{"status":"success","message":"Verification retrieved successfully.","data":{
		"verification":{"reference_code":%q,"verification_type_name":"Rekrutment/Screening Karyawan",
			"created_at":"2026-02-11T10:27:41.000000Z","updated_at":"2026-02-11T10:27:41.000000Z",
			"status":"ocr_verification","failed_message":null,"credibility_score":null,"credibility_level":null,"final_decision":null},
		"customer":{"name":"John Doe","phone":"89123456789","id_number":"3171234567890053"},
		"analysis":{"credit_summary":null,"credibility":null,"use_case_analysis":null}}}`, completed)
	h.do("GET", plBase+"/"+completed, "", bearer...).expect(t, 200, pending)

	h.clock.Advance(DefaultVerifyDelay)
	h.do("GET", plBase+"/"+completed, "", bearer...).expect(t, 200, fmt.Sprintf(`{"status":"success","message":"Verification retrieved successfully.","data":{
		"verification":{"reference_code":%q,"verification_type_name":"Rekrutment/Screening Karyawan",
			"created_at":"2026-02-11T10:27:41.000000Z","updated_at":"2026-02-11T10:27:43.000000Z",
			"status":"completed","failed_message":null,"credibility_score":53,"credibility_level":"D","final_decision":null},
		"customer":{"name":"John Doe","phone":"89123456789","id_number":"3171234567890053"},
		"analysis":{
			"credit_summary":{"collectibility":3,"active_facilities":3,"overdue_facilities":2},
			"credibility":{"score":53,"level":"D","description":"Kredibilitas kurang"},
			"use_case_analysis":{"verification_type_name":"Rekrutment/Screening Karyawan","recommendation":"Tidak direkomendasikan"}}}}`, completed))

	h.do("GET", plBase+"/"+failed, "", bearer...).expect(t, 200, fmt.Sprintf(`{"status":"success","message":"Verification retrieved successfully.","data":{
		"verification":{"reference_code":%q,"verification_type_name":"Rekrutment/Screening Karyawan",
			"created_at":"2026-02-11T10:27:41.000000Z","updated_at":"2026-02-11T10:27:43.000000Z",
			"status":"failed","failed_message":"OCR data mismatch","credibility_score":null,"credibility_level":null,"final_decision":null},
		"customer":{"name":"John Doe","phone":"89123456789","id_number":"3171234567890000"},
		"analysis":{"credit_summary":null,"credibility":null,"use_case_analysis":null}}}`, failed))

	h.do("GET", plBase+"/EMP-260211-9999", "", bearer...).expect(t, 404, `{"status":"fail","message":"Data not found."}`)
}

func TestScoreAndLevel(t *testing.T) {
	cases := map[string]struct {
		nik   string
		score int
		level string
	}{
		"0053 is D as in the notes": {"3171234567890053", 53, "D"},
		"0100 is A":                 {"3171234567890100", 100, "A"},
		"0085 is A":                 {"3171234567890085", 85, "A"},
		"0084 is B":                 {"3171234567890084", 84, "B"},
		"0070 is B":                 {"3171234567890070", 70, "B"},
		"0069 is C":                 {"3171234567890069", 69, "C"},
		"0055 is C":                 {"3171234567890055", 55, "C"},
		"0040 is D":                 {"3171234567890040", 40, "D"},
		"0039 is E":                 {"3171234567890039", 39, "E"},
		"0123 wraps to 22":          {"3171234567890123", 22, "E"},
		"0101 wraps to 0":           {"3171234567890101", 0, "E"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if s, l := nikScore(c.nik), scoreLevel(nikScore(c.nik)); s != c.score || l != c.level {
				t.Errorf("got %d %s, want %d %s", s, l, c.score, c.level)
			}
		})
	}
}
