package plans

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
)

type testDigester string

func (k testDigester) Digest(purpose string, value []byte) string {
	mac := hmac.New(sha256.New, []byte(k))
	mac.Write([]byte(purpose))
	mac.Write(value)
	return "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil))
}

func sealedPlan(t *testing.T) []byte {
	t.Helper()
	a, _ := addrs.ParseInstance(`proofylink_verification.check["ani"]`)
	after := cty.ObjectVal(map[string]cty.Value{
		"full_name": cty.StringVal("Ani Lestari").Mark("sensitive"), // from a sensitive variable
		"id_number": cty.StringVal("3171********0001"),
		"consent":   cty.StringVal("own"),
	})
	p := &Plan{Lineage: "l", Serial: 3, Changes: []*Change{{Addr: a, Provider: "proofylink", Action: Create,
		Before: cty.NullVal(after.Type()), After: after, ConfigDigest: "hmac-sha256:ef",
		Sensitive: []cty.Path{cty.GetAttrPath("full_name"), cty.GetAttrPath("id_number")}}}}
	var buf bytes.Buffer
	if err := Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	sealed, err := Seal(buf.Bytes(), testDigester("key"))
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

func TestSealRoundTripAndSensitiveValuesLeftOut(t *testing.T) {
	sealed := sealedPlan(t)
	for _, s := range []string{"Ani Lestari", "3171"} {
		if bytes.Contains(sealed, []byte(s)) {
			t.Errorf("the plan file holds the sensitive value %q", s)
		}
	}
	data, err := Unseal(sealed, testDigester("key"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	after := p.Changes[0].After
	if after.GetAttr("full_name").IsKnown() || after.GetAttr("id_number").IsKnown() || after.GetAttr("consent").AsString() != "own" {
		t.Fatalf("after = %#v: sensitive values must be unknown, others kept", after)
	}
}

func TestUnsealRefusesTamperedFiles(t *testing.T) {
	sealed := sealedPlan(t)
	flip := func(old, new string) []byte {
		if !bytes.Contains(sealed, []byte(old)) {
			t.Fatalf("the plan file has no %q", old)
		}
		return bytes.Replace(sealed, []byte(old), []byte(new), 1)
	}
	tests := map[string]struct {
		data []byte
		key  string
		want string
	}{
		"action changed":  {flip(`"action":"create"`, `"action":"update"`), "key", ErrSealBroken.Error()},
		"one byte edited": {flip(`"serial":3`, `"serial":4`), "key", ErrSealBroken.Error()},
		"seal removed":    {append(bytes.Clone(sealed[:bytes.LastIndex(sealed, sealMember)]), "\n}\n"...), "key", "no seal"},
		"cut short":       {sealed[:len(sealed)-3], "key", "no seal"},
		"another key":     {sealed, "other key", ErrSealBroken.Error()},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Unseal(tc.data, testDigester(tc.key))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if tc.want == ErrSealBroken.Error() && !errors.Is(err, ErrSealBroken) {
				t.Fatalf("got %v, want ErrSealBroken", err)
			}
		})
	}
}
