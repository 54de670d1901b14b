package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmail(t *testing.T) {
	tests := map[string]struct {
		in    string
		valid bool
	}{
		"plain":          {"ani@example.co.id", true},
		"plus and dots":  {"ani.s+hr@mail.example.id", true},
		"no domain dot":  {"ani@example", false},
		"no at":          {"ani.example.id", false},
		"display name":   {"Ani <ani@example.id>", false},
		"space":          {"ani @example.id", false},
		"empty":          {"", false},
		"double dot":     {"ani..s@example.id", false},
		"leading hyphen": {"ani@-example.id", false},
		"too long":       {strings.Repeat("a", 250) + "@x.id", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if err := Email(tt.in); (err == nil) != tt.valid {
				t.Errorf("Email(%q) = %v, want valid %v", tt.in, err, tt.valid)
			}
		})
	}
}

func TestPhone62(t *testing.T) {
	tests := map[string]struct {
		in   string
		want string // part of the error; "" means valid
	}{
		"shortest":      {"621234567", ""},
		"longest":       {"62123456789012345", ""},
		"mobile":        {"6281234567890", ""},
		"too short":     {"62123456", "8 digits"},
		"too long":      {"621234567890123456", "18 digits"},
		"leading zero":  {"081234567890", "does not start with the country code 62"},
		"plus":          {"+6281234567890", "other than digits"},
		"dashes":        {"62-812-3456", "other than digits"},
		"empty":         {"", "empty"},
		"country alone": {"62", "2 digits"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := Phone62(tt.in)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Phone62(%q) = %v, want nil", tt.in, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Phone62(%q) = %v, want an error containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestIndonesianMobile(t *testing.T) {
	tests := map[string]bool{
		"62812345678":     true,
		"628123456789":    true,
		"62812345678901":  true,
		"62891234567":     true,
		"62861234567":     true,
		"6284123456789":   false, // 84 is no mobile prefix
		"621234567891":    false, // landline-shaped
		"628123456":       false, // too short
		"628123456789012": false, // too long
	}
	for in, valid := range tests {
		t.Run(in, func(t *testing.T) {
			if err := IndonesianMobile(in); (err == nil) != valid {
				t.Errorf("IndonesianMobile(%q) = %v, want valid %v", in, err, valid)
			}
		})
	}
}

func TestPastDate(t *testing.T) {
	now := time.Date(2026, 2, 11, 9, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		in    string
		valid bool
	}{
		"ordinary":       {"1996-10-18", true},
		"leap day":       {"2000-02-29", true},
		"not leap":       {"1999-02-29", false},
		"month 13":       {"1996-13-01", false},
		"day first":      {"18-10-1996", false},
		"slashes":        {"1996/10/18", false},
		"short month":    {"1996-1-18", false},
		"future":         {"2030-01-01", false},
		"today":          {"2026-02-11", false},
		"with time part": {"1996-10-18T00:00:00Z", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if err := PastDate(tt.in, now); (err == nil) != tt.valid {
				t.Errorf("PastDate(%q) = %v, want valid %v", tt.in, err, tt.valid)
			}
		})
	}
}

func TestOneOf(t *testing.T) {
	if err := OneOf("OTP", "OTP", "LINK"); err != nil {
		t.Fatal(err)
	}
	err := OneOf("otp", "OTP", "LINK")
	if err == nil || !strings.Contains(err.Error(), `"OTP", "LINK"`) {
		t.Fatalf("OneOf(otp) = %v, want the allowed values listed", err)
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.jpg"), []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		path string
		max  int64
		want string
	}{
		"relative":  {"small.jpg", 10, ""},
		"absolute":  {filepath.Join(dir, "small.jpg"), 0, ""},
		"missing":   {"none.jpg", 10, "does not exist"},
		"folder":    {"folder", 10, "not a regular file"},
		"too large": {"small.jpg", 4, "more than the limit of 4 bytes"},
		"empty":     {"", 10, "empty"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := File(dir, tt.path, tt.max)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("File(%q) = %v", tt.path, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("File(%q) = %v, want an error containing %q", tt.path, err, tt.want)
			}
		})
	}
	data, err := ReadFile(dir, "small.jpg", 10)
	if err != nil || string(data) != "12345" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
}
