package validate

import (
	"fmt"
	"time"
)

// DateLayout is the YYYY-MM-DD layout the services use for dates.
const DateLayout = "2006-01-02"

// PastDate checks that s is a real calendar date written YYYY-MM-DD that
// lies before now (a date of birth).
func PastDate(s string, now time.Time) error {
	d, err := time.Parse(DateLayout, s)
	if err != nil || len(s) != len(DateLayout) {
		return fmt.Errorf("%q is not a date written YYYY-MM-DD with a real month and day, such as 1996-10-18", s)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if !d.Before(today) {
		return fmt.Errorf("%s is not in the past: a date of birth is before today", s)
	}
	return nil
}
