package proofylink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// flexString reads a JSON value documented as a string but possibly null,
// a number, a bool or an object (final_decision is only ever shown null):
// null stays nil, a string is itself, anything else is its compact JSON
// text.
type flexString struct{ v *string }

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		f.v = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		f.v = &s
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	s = buf.String()
	f.v = &s
	return nil
}

// str is the value, "" when null.
func (f flexString) str() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

// flexNumber reads a JSON number that may come as a numeric string
// ("53") or null; an empty or non-numeric string reads as null.
type flexNumber struct{ v *float64 }

func (f *flexNumber) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	f.v = nil
	if string(b) == "null" {
		return nil
	}
	var n float64
	if err := json.Unmarshal(b, &n); err == nil {
		f.v = &n
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		f.v = &n
	}
	return nil
}

// int is the value as an int64, ok false when null.
func (f flexNumber) int() (int64, bool) {
	if f.v == nil {
		return 0, false
	}
	return int64(*f.v), true
}

// decodeJSON reads data into v; missing or null data is an error.
func decodeJSON(data json.RawMessage, v any) error {
	if len(data) == 0 || string(data) == "null" {
		return fmt.Errorf("the answer has no data")
	}
	return json.Unmarshal(data, v)
}
