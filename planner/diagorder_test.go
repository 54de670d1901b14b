package planner_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
)

// TestDiagnosticsInConfigurationOrder: a batch whose rows are checked on
// every core at once reports its invalid rows in the order of their keys,
// the same on every run, not in the order the cores found them (which
// changed from run to run, and with it which row a grouped diagnostic
// named first).
func TestDiagnosticsInConfigurationOrder(t *testing.T) {
	const src = `
locals {
  rows = { for i in range(400) : format("p%03d", i) => (i % 7 == 3 ? "bad!" : "ok") }
}

resource "fake_account" "batch" {
  for_each = local.rows
  name     = "${each.value}-${each.key}"
}
`
	var want []string
	for i := range 400 {
		if i%7 == 3 {
			want = append(want, fmt.Sprintf(`fake_account.batch["p%03d"]`, i))
		}
	}
	var first string
	for n := range 5 {
		_, diags := run(t, src, nil, plans.Options{}, enginetest.NewProvider())
		var got []string
		var text strings.Builder
		for _, d := range diags {
			fmt.Fprintf(&text, "%s: %s\n", d.Summary, d.Detail)
			for _, a := range want {
				if strings.Contains(d.Detail, a) {
					got = append(got, a)
					break
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("run %d: the invalid rows reported in this order:\n%s\nwant the keys' order:\n%s", n, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if n == 0 {
			first = text.String()
		} else if text.String() != first {
			t.Fatalf("run %d reported otherwise than run 0:\n%s\nrun 0:\n%s", n, text.String(), first)
		}
	}
}
