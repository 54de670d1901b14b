package planner

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// TestAppendFieldIsWriteField: fingerprints hash the bytes appendField
// appends, which must be those writeField writes, or every stored
// configuration digest would stop matching.
func TestAppendFieldIsWriteField(t *testing.T) {
	parts := [][]byte{[]byte("usapi_account.a"), nil, []byte("usapi"), bytes.Repeat([]byte{7}, 300)}
	h := sha256.New()
	writeField(h, "instance", parts...)
	got := sha256.Sum256(appendField(nil, "instance", parts...))
	if !bytes.Equal(got[:], h.Sum(nil)) {
		t.Error("appendField's bytes hash differently from writeField's")
	}
}
