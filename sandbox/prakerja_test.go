package sandbox

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

const profilePath = "/prakerja/api/v1/resource/user_profile"

func prakerjaErr(code, msg string) string {
	return fmt.Sprintf(`{"code":%q,"message":%q,"success":false}`, code, msg)
}

func TestPrakerjaUserProfile(t *testing.T) {
	h := newHarness(t, Options{})
	ani := profileFor("sbx-ani")
	cases := map[string]struct {
		headers []string
		status  int
		body    string
	}{
		"missing client id": {[]string{"Authorization", "sbx-ani"}, 400, prakerjaErr("ERROAUTH4024", "Unauthorized")},
		"unknown client id": {[]string{"X-Client-Id", "CLIENT_CODE", "Authorization", "sbx-ani"}, 400, prakerjaErr("ERROAUTH4029", "Unauthorized")},
		"missing token":     {[]string{"X-Client-Id", PrakerjaClientCode}, 400, prakerjaErr("ERROAUTH4053", "Token not found")},
		"expired token":     {[]string{"X-Client-Id", PrakerjaClientCode, "Authorization", "sbx-expired-ani"}, 400, prakerjaErr("ERROAUTH4051", "Token expired")},
		"foreign token":     {[]string{"X-Client-Id", PrakerjaClientCode, "Authorization", "ACCESS_TOKEN"}, 400, prakerjaErr("ERROAUTH4048", "Unauthorized")},
		"bearer prefix":     {[]string{"X-Client-Id", PrakerjaClientCode, "Authorization", "Bearer sbx-ani"}, 400, prakerjaErr("ERROAUTH4048", "Unauthorized")},
		"sbx token": {[]string{"X-Client-Id", PrakerjaClientCode, "Authorization", "sbx-ani"}, 200,
			`{"message":"no error","success":true,"errorCode":"0","data":` + jsonBody(t, ani) + `}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { h.do("GET", profilePath, "", c.headers...).expect(t, c.status, c.body) })
	}
}

func TestPrakerjaDerivedProfiles(t *testing.T) {
	ani := profileFor("sbx-ani")
	if ani.Name != "Ani" || ani.Email != "ani@prakerja.sandbox" || len(ani.PhoneNumber) != 13 ||
		ani.PhoneNumber[:5] != "62812" || len(ani.NoPrakerja) != 16 || len(ani.UserID) != 36 || ani.DPUserID[:3] != "dp-" {
		t.Errorf("sbx-ani: %+v", ani)
	}
	if profileFor("sbx-ani") != ani {
		t.Error("profiles are not deterministic")
	}
	if b := profileFor("sbx-budi"); b.PhoneNumber == ani.PhoneNumber || b.UserID == ani.UserID {
		t.Error("two tokens share a profile")
	}
	cases := map[string]struct{ name, email string }{
		"sbx-ani-putri": {"Ani Putri", "ani.putri@prakerja.sandbox"},
		"sbx-BUDI_s":    {"Budi S", "budi.s@prakerja.sandbox"},
		"sbx-":          {"Sandbox User", "user@prakerja.sandbox"},
	}
	for token, c := range cases {
		if p := profileFor(token); p.Name != c.name || p.Email != c.email {
			t.Errorf("%s: %q %q, want %q %q", token, p.Name, p.Email, c.name, c.email)
		}
	}
}

// The test vector of the Prakerja notes.
func TestPrakerjaSignatureVector(t *testing.T) {
	got := prakerjaSignature("my_sign_key", "myclient_code", "1516239022", "POST",
		"/api/v1/integration/payment/redeem-code/commit", []byte(`{"redeem_code":"code"}`))
	if got != "943c20a8e36b6243f576404b00fffdc86411ce1f" {
		t.Errorf("signature %s", got)
	}
}

func TestPrakerjaSignedCommit(t *testing.T) {
	h := newHarness(t, Options{})
	const path = "/api/v1/integration/payment/redeem-code/commit"
	now := h.clock.Now().Unix()
	ts := strconv.FormatInt(now, 10)
	body := `{"redeem_code":"code"}`
	sign := func(ts, body string) string {
		return prakerjaSignature(PrakerjaSignKey, PrakerjaClientCode, ts, "POST", path, []byte(body))
	}
	hdr := func(client, sig, ts string) []string {
		var out []string
		for _, kv := range [][2]string{{"client_code", client}, {"signature", sig}, {"timestamp", ts}} {
			if kv[1] != "" {
				out = append(out, kv[0], kv[1])
			}
		}
		return out
	}
	old := strconv.FormatInt(now-int64(maxSignatureAge/time.Second)-1, 10)
	future := strconv.FormatInt(now+1, 10)
	edge := strconv.FormatInt(now-int64(maxSignatureAge/time.Second), 10)
	cases := map[string]struct {
		body    string
		headers []string
		status  int
		want    string
	}{
		"good": {body, hdr(PrakerjaClientCode, sign(ts, body), ts), 200,
			`{"message":"no error","success":true,"errorCode":"0","data":{"redeem_code":"code","status":"committed"}}`},
		"five minutes old": {body, hdr(PrakerjaClientCode, sign(edge, body), edge), 200,
			`{"message":"no error","success":true,"errorCode":"0","data":{"redeem_code":"code","status":"committed"}}`},
		"no client code":    {body, hdr("", sign(ts, body), ts), 400, prakerjaErr("ERROAUTH4024", "Unauthorized")},
		"wrong client code": {body, hdr("other", sign(ts, body), ts), 400, prakerjaErr("ERROAUTH4029", "Unauthorized")},
		"no signature":      {body, hdr(PrakerjaClientCode, "", ts), 400, prakerjaErr("ERROAUTH4039", "Signature not found")},
		"no timestamp":      {body, hdr(PrakerjaClientCode, sign(ts, body), ""), 400, prakerjaErr("ERROAUTH4040", "Timestamp not found")},
		"timestamp text":    {body, hdr(PrakerjaClientCode, sign("abc", body), "abc"), 400, prakerjaErr("ERROAUTH4034", "timestamp harus integer")},
		"future timestamp":  {body, hdr(PrakerjaClientCode, sign(future, body), future), 400, prakerjaErr("ERROAUTH4035", "timestamp melebihi waktu server")},
		"old timestamp":     {body, hdr(PrakerjaClientCode, sign(old, body), old), 400, prakerjaErr("ERROAUTH4036", "Signature expired")},
		"wrong signature":   {body, hdr(PrakerjaClientCode, sign(ts, body+" "), ts), 400, prakerjaErr("ERROAUTH4038", "Signature not match")},
		"uppercase hex":     {body, hdr(PrakerjaClientCode, upper(sign(ts, body)), ts), 400, prakerjaErr("ERROAUTH4038", "Signature not match")},
		"signed with mount": {body, hdr(PrakerjaClientCode, prakerjaSignature(PrakerjaSignKey, PrakerjaClientCode, ts, "POST", "/prakerja"+path, []byte(body)), ts), 400, prakerjaErr("ERROAUTH4038", "Signature not match")},
		"invalid JSON":      {"{x", hdr(PrakerjaClientCode, sign(ts, "{x"), ts), 400, prakerjaErr("ERROAUTH4037", "Signature payload invalid JSON")},
		"no redeem_code":    {"{}", hdr(PrakerjaClientCode, sign(ts, "{}"), ts), 400, prakerjaErr("ERROAUTH4044", "Input tidak valid")},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h.do("POST", "/prakerja"+path, c.body, c.headers...).expect(t, c.status, c.want)
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestPrakerjaOAuth(t *testing.T) {
	h := newHarness(t, Options{})
	client := []string{"X-Client-Id", PrakerjaClientCode}
	tokens := `{"message":"no error","success":true,"errorCode":"0","data":{"access_token":"sbx-ani","expires_in":"3600","refresh_token":"sbx-refresh-ani","scope":"profile","token_type":"Bearer"}}`
	cases := map[string]struct {
		path, body string
		headers    []string
		status     int
		want       string
	}{
		"exchange":         {"/token", `{"code":"ani"}`, client, 200, tokens},
		"exchange no code": {"/token", `{}`, client, 400, prakerjaErr("ERROAUTH4031", "Unauthorized")},
		"exchange expired": {"/token", `{"code":"expired-ani"}`, client, 400, prakerjaErr("ERROAUTH4052", "Auth code expired")},
		"exchange no id":   {"/token", `{"code":"ani"}`, nil, 400, prakerjaErr("ERROAUTH4024", "Unauthorized")},
		"exchange bad":     {"/token", `code=ani`, client, 400, prakerjaErr("ERROAUTH4044", "Input tidak valid")},
		"refresh":          {"/token/refresh", `{"token":"sbx-refresh-ani"}`, client, 200, tokens},
		"refresh missing":  {"/token/refresh", `{}`, client, 400, prakerjaErr("ERROAUTH4043", "Refresh token key not found")},
		"refresh foreign":  {"/token/refresh", `{"token":"abc"}`, client, 400, prakerjaErr("ERROAUTH4048", "Unauthorized")},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h.do("POST", "/prakerja/api/v1/oauth"+c.path, c.body, c.headers...).expect(t, c.status, c.want)
		})
	}
}
