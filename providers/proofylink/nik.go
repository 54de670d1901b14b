package proofylink

import (
	"regexp"
	"strings"
)

// nikLength is the number of digits of a NIK.
const nikLength = 16

// maskNIK is the form plans, states and diagnostics show: the first four
// and last four characters around eight stars (3171********0123), as the
// API's list endpoint shows it. A value too short to mask is all stars.
//
// Written twice on purpose: the sandbox masks NIKs in its own maskNIK
// (sandbox/proofylink_read.go), read from the API document, not from this
// code. The sandbox shares no code with the clients it tests, so that a
// misreading of the document on one side shows as a test failure instead
// of hiding in a shared function. Do not merge them.
func maskNIK(nik string) string {
	if len(nik) < 8 {
		return strings.Repeat("*", len(nik))
	}
	return nik[:4] + strings.Repeat("*", 8) + nik[len(nik)-4:]
}

// isMasked reports whether s is a masked NIK rather than one in clear.
func isMasked(s string) bool { return strings.Contains(s, "*") }

// nikMatches reports whether the NIK as the API shows it (masked or in
// clear) is nik.
func nikMatches(shown, nik string) bool {
	if shown == nik {
		return true
	}
	if !isMasked(shown) || len(shown) < 8 || len(nik) < 8 {
		return false
	}
	return shown[:4] == nik[:4] && shown[len(shown)-4:] == nik[len(nik)-4:] &&
		strings.Trim(shown[4:len(shown)-4], "*") == ""
}

// digitRun finds runs of 16 digits, the shape of a NIK.
var digitRun = regexp.MustCompile(`\d{16}`)

// redact masks every 16-digit run in s, so that an API message echoing a
// NIK never reaches a diagnostic in clear.
func redact(s string) string {
	return digitRun.ReplaceAllStringFunc(s, maskNIK)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
