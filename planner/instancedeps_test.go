package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
)

// TestPlanInstanceDependencies checks which references make a change
// depend on one instance and which on the whole resource.
func TestPlanInstanceDependencies(t *testing.T) {
	res := mustPlan(t, `
variable "prefix" {
  default = "p-"
}
locals {
  names = ["a", "b"]
  ids   = [for a in fake_account.p : a.id]
}
resource "fake_account" "p" {
  for_each = toset(local.names)
  name     = each.key
}
resource "fake_account" "n" {
  count = 2
  name  = "n${count.index}"
}
resource "fake_account" "by_key" {
  for_each = toset(local.names)
  name     = "k-${each.key}"
  tag      = fake_account.p[each.key].id
}
resource "fake_account" "by_expr" {
  for_each = toset(local.names)
  name     = "e-${each.key}"
  tag      = fake_account.p[trimprefix("${var.prefix}${each.value}", var.prefix)].id
}
resource "fake_account" "by_index" {
  count = 2
  name  = "i${count.index}"
  tag   = fake_account.n[count.index].id
}
resource "fake_account" "literal" {
  name = "lit"
  tag  = fake_account.p["b"].id
}
resource "fake_account" "splat" {
  name = "splat"
  tag  = join(",", fake_account.n[*].id)
}
resource "fake_account" "for_over" {
  name = "for"
  tag  = join(",", [for a in fake_account.p : a.id])
}
resource "fake_account" "via_local" {
  for_each = toset(local.names)
  name     = "l-${each.key}"
  tag      = local.ids[0]
}
resource "fake_account" "both" {
  for_each = toset(local.names)
  name     = "b-${each.key}"
  tag      = fake_account.p[each.key].id
  email    = "${length(fake_account.p)}@example.id"
}
`, state.New(), plans.Options{Refresh: true}, nil)
	got := map[string]string{}
	for _, c := range res.Plan.Changes {
		var deps []string
		for _, d := range c.DependsOn {
			deps = append(deps, d.String())
		}
		got[c.Addr.String()] = strings.Join(deps, " ")
	}
	want := map[string]string{
		`fake_account.p["a"]`:         ``,
		`fake_account.by_key["a"]`:    `fake_account.p["a"]`,
		`fake_account.by_key["b"]`:    `fake_account.p["b"]`,
		`fake_account.by_expr["b"]`:   `fake_account.p["b"]`,
		`fake_account.by_index[1]`:    `fake_account.n[1]`,
		`fake_account.literal`:        `fake_account.p["b"]`,
		`fake_account.splat`:          `fake_account.n`,
		`fake_account.for_over`:       `fake_account.p`,
		`fake_account.via_local["a"]`: `fake_account.p`,
		`fake_account.both["a"]`:      `fake_account.p`,
	}
	for addr, w := range want {
		if got[addr] != w {
			t.Errorf("%s depends on %q, want %q", addr, got[addr], w)
		}
	}
}
