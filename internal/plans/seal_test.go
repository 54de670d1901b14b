package plans

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
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
	if err := SaveSealed(&buf, p, testDigester("key")); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readSealed reads a sealed plan file as the command line does: the seal
// checked in a first pass, then the changes read by a Reader that checks
// it again.
func readSealed(data []byte, d Digester) (*Plan, error) {
	if err := CheckSeal(bytes.NewReader(data), d); err != nil {
		return nil, err
	}
	rd, err := NewReader(bytes.NewReader(data), d)
	if err != nil {
		return nil, err
	}
	return rd.ReadAll()
}

func TestSealRoundTripAndSensitiveValuesLeftOut(t *testing.T) {
	sealed := sealedPlan(t)
	for _, s := range []string{"Ani Lestari", "3171"} {
		if bytes.Contains(sealed, []byte(s)) {
			t.Errorf("the plan file holds the sensitive value %q", s)
		}
	}
	p, err := readSealed(sealed, testDigester("key"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 {
		t.Fatalf("read %d changes, want 1", len(p.Changes))
	}
	after := p.Changes[0].After
	if after.GetAttr("full_name").IsKnown() || after.GetAttr("id_number").IsKnown() || after.GetAttr("consent").AsString() != "own" {
		t.Fatalf("after = %#v: sensitive values must be unknown, others kept", after)
	}
}

func TestSealRefusesTamperedFiles(t *testing.T) {
	sealed := sealedPlan(t)
	flip := func(old, new string) []byte {
		if !bytes.Contains(sealed, []byte(old)) {
			t.Fatalf("the plan file has no %q", old)
		}
		return bytes.Replace(sealed, []byte(old), []byte(new), 1)
	}
	sealAt := bytes.LastIndex(sealed, []byte(sealLinePrefix))
	tests := map[string]struct {
		data []byte
		key  string
		want string
	}{
		"action changed":   {flip(`"action":"create"`, `"action":"update"`), "key", ErrSealBroken.Error()},
		"one byte edited":  {flip(`"serial":3`, `"serial":4`), "key", ErrSealBroken.Error()},
		"seal removed":     {sealed[:sealAt], "key", "no seal"},
		"cut short":        {sealed[:len(sealed)-3], "key", "no seal"},
		"line added after": {append(bytes.Clone(sealed), "{}\n"...), "key", "no seal"},
		"another key":      {sealed, "other key", ErrSealBroken.Error()},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			check := func(what string, err error) {
				t.Helper()
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("%s: got %v, want %q", what, err, tc.want)
				}
				if tc.want == ErrSealBroken.Error() && !errors.Is(err, ErrSealBroken) {
					t.Fatalf("%s: got %v, want ErrSealBroken", what, err)
				}
			}
			check("CheckSeal", CheckSeal(bytes.NewReader(tc.data), testDigester(tc.key)))
			// The Reader alone refuses it too, at the end (a file changed
			// between CheckSeal and the reading).
			rd, err := NewReader(bytes.NewReader(tc.data), testDigester(tc.key))
			if err != nil {
				t.Fatal(err)
			}
			_, err = rd.ReadAll()
			check("Reader", err)
		})
	}
}

// TestReaderWithoutDigesterReadsSealedFiles: Load reads a sealed file
// without checking the seal, and a truncated file is an error, not a
// shorter plan.
func TestReaderWithoutDigesterReadsSealedFiles(t *testing.T) {
	sealed := sealedPlan(t)
	p, err := Load(bytes.NewReader(sealed))
	if err != nil || len(p.Changes) != 1 {
		t.Fatalf("got %v, %v; want the one change", p, err)
	}
	firstChange := bytes.Index(sealed, []byte(`{"address"`))
	if _, err := Load(bytes.NewReader(sealed[:firstChange])); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("a file cut before its change: got %v, want cut short", err)
	}
	rd, err := NewReader(bytes.NewReader(sealed), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rd.Len() != 1 || rd.Plan().Serial != 3 {
		t.Fatalf("header: %d changes, serial %d", rd.Len(), rd.Plan().Serial)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("after the last change: %v, want io.EOF", err)
	}
}
