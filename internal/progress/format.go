package progress

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// String spells the counts as the log lines show them:
//
//	12,345/100,000 done, 3 failed, 40 in flight, 1,234/s, ETA 1m10s
//
// with ", N skipped" after the failures when changes were skipped (Total
// no longer counts them).
func (c Counts) String() string {
	eta := "ETA unknown"
	if d, ok := c.ETA(); ok {
		eta = "ETA " + Duration(d)
	}
	skipped := ""
	if c.Skipped > 0 {
		skipped = ", " + Thousands(c.Skipped) + " skipped"
	}
	return fmt.Sprintf("%s/%s done, %s failed%s, %s in flight, %s/s, %s",
		Thousands(c.Done), Thousands(c.Total), Thousands(c.Failed), skipped, Thousands(c.InFlight), Thousands(int(c.Rate()+0.5)), eta)
}

// Thousands spells n with a comma between groups of three digits.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Duration spells d rounded to the second (to the minute above an hour):
// 45s, 1m10s, 2h5m.
func Duration(d time.Duration) string {
	if d >= time.Hour {
		d = d.Round(time.Minute)
		return strings.TrimSuffix(d.String(), "0s")
	}
	return d.Round(time.Second).String()
}
