package proofylink

import (
	"fmt"
	"strconv"
)

// The messages name digits by position and never repeat them.

// nikProblem says what is wrong with a NIK, "" when it is plausible. The
// message never repeats the NIK's digits.
func nikProblem(nik string) string {
	if len(nik) != nikLength || !allDigits(nik) {
		return fmt.Sprintf("A NIK is exactly 16 digits (0-9), with no spaces or other characters; this one has %d characters.", len(nik))
	}
	return birthDateProblem(nik[6:12])
}

// birthDateProblem checks digits 7 to 12 of a NIK: the birth date as DDMMYY,
// with 40 added to the day for women (so 41..71).
func birthDateProblem(ddmmyy string) string {
	day, _ := strconv.Atoi(ddmmyy[0:2])
	month, _ := strconv.Atoi(ddmmyy[2:4])
	year, _ := strconv.Atoi(ddmmyy[4:6])
	if day > 40 {
		day -= 40
	}
	if month < 1 || month > 12 {
		return "Digits 9 and 10 of a NIK are the month of birth, 01 to 12."
	}
	if day < 1 || day > daysIn(month, year) {
		return "Digits 7 and 8 of a NIK are the day of birth: a day that exists in the month of digits 9 and 10 " +
			"(01 to 28, 29, 30 or 31), or that day plus 40 for women (41 to 71)."
	}
	return ""
}

// daysIn is the number of days of month in a year known only by its last
// two digits: 29 February is plausible when either century would make the
// year a leap year (every yy divisible by 4: 1900 is not, but 2000 is).
func daysIn(month, yy int) int {
	switch month {
	case 2:
		if yy%4 == 0 {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// nikSequenceZero reports a NIK whose sequence part (the last four digits)
// is 0000: real sequences start at 0001, and the sandbox fails such a NIK
// on purpose with "OCR data mismatch".
func nikSequenceZero(nik string) bool {
	return len(nik) == nikLength && nik[12:] == "0000"
}
