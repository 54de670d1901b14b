package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// writeJSON answers status with v as compact JSON. HTML characters are not
// escaped, as PHP's and Node's encoders leave them.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"Internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// message is the {"message": "..."} body USAPI and the generic answers use.
type message struct {
	Message string `json:"message"`
}

// laravelTime formats t as Laravel serialises timestamps: UTC, whole
// seconds, six zero fraction digits ("2026-02-11T10:27:41.000000Z").
func laravelTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05.000000Z")
}

// maxBodyBytes bounds every request body: a 4 MB KTP image and a 10 MB
// consent form, both base64-encoded, fit with room to spare.
const maxBodyBytes = 32 << 20

func limitBody(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
}
