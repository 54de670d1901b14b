package validate

import (
	"fmt"
	"strings"
)

// Bounds of USAPI's phone-number rule: 62 then 7 to 15 digits, so 9 to 17
// digits in all.
const (
	MinPhone62Length = 9
	MaxPhone62Length = 17
)

// Phone62 checks the phone-number rule the USAPI and Proofylink documents
// state: digits only, starting with the country code 62, 9 to 17 digits in
// all (7 to 15 without the 62).
func Phone62(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("the phone number is empty: write it as 62 followed by 7 to 15 digits, such as 6281234567890")
	case !allDigits(s):
		return fmt.Errorf("%q has characters other than digits: write it as 62 followed by 7 to 15 digits, with no +, spaces or dashes (6281234567890)", s)
	case !strings.HasPrefix(s, "62"):
		return fmt.Errorf("%q does not start with the country code 62: write 6281234567890, not 081234567890", s)
	case len(s) < MinPhone62Length || len(s) > MaxPhone62Length:
		return fmt.Errorf("%q has %d digits: a number starting with 62 has %d to %d digits in all (7 to 15 after the 62)", s, len(s), MinPhone62Length, MaxPhone62Length)
	}
	return nil
}

// IndonesianMobile checks the stricter shape of an Indonesian mobile
// number: 62, then 8, then 1-3 or 5-9, then 7 to 10 digits (11 to 14
// digits in all). It assumes Phone62 already passed; use it for warnings,
// since the services accept any number Phone62 accepts.
func IndonesianMobile(s string) error {
	nsn := strings.TrimPrefix(s, "62")
	ok := allDigits(nsn) && len(nsn) >= 9 && len(nsn) <= 12 &&
		nsn[0] == '8' && strings.ContainsRune("12356789", rune(nsn[1]))
	if !ok {
		return fmt.Errorf("%q is not shaped like an Indonesian mobile number (62 8x followed by 7 to 10 digits, 11 to 14 digits in all, x being 1-3 or 5-9): an SMS sent to it may not arrive", s)
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
