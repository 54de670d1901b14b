package usapi

import (
	"fmt"
	"strings"

	"github.com/daftar-dev/daftar/providers"
	"golang.org/x/sync/errgroup"
)

// uniqueField is an input USAPI keeps unique across accounts.
type uniqueField struct {
	name string
	// key normalises a value for comparison.
	key  func(string) string
	what string
}

var uniqueFields = [...]uniqueField{
	{attrUsername, identity, "username"},
	{attrEmail, strings.ToLower, "e-mail address (compared ignoring case)"},
	{attrPhoneNumber, identity, "phone number"},
}

func identity(s string) string { return s }

// CheckConfigs reports two accounts that share a username, an e-mail or
// a phone number: USAPI would refuse the second. The error is on the
// second, naming the first.
func (p *Provider) CheckConfigs() providers.ConfigsCheck { return &uniqueCheck{} }

// uniqueCheck keeps, of each account, its unique fields.
type uniqueCheck struct {
	fields [len(uniqueFields)]providers.Repeats[string]
}

func (c *uniqueCheck) Add(order int64, r providers.ValidateRequest) {
	if r.Type != accountType {
		return
	}
	c.add(order, r.Addr, objectAttrs{plain(r.Config)})
}

// AddAttrs implements providers.AttrsCheck: Add of the configuration's
// attributes.
func (c *uniqueCheck) AddAttrs(order int64, typ, addr string, a providers.Attrs) {
	if typ == accountType {
		c.add(order, addr, a)
	}
}

func (c *uniqueCheck) add(order int64, addr string, a attrReader) {
	for i, f := range uniqueFields {
		if s, ok := strAttr(a, f.name); ok && s != "" {
			c.fields[i].Add(order, addr, f.key(s), s)
		}
	}
}

// Diagnostics checks the fields concurrently: a batch of 100,000 accounts
// is checked three times over.
func (c *uniqueCheck) Diagnostics() providers.Diagnostics {
	found := make([]providers.Diagnostics, len(uniqueFields))
	var g errgroup.Group
	for i, f := range uniqueFields {
		g.Go(func() error {
			c.fields[i].Each(func(addr, firstAddr, _, value string) {
				found[i] = append(found[i], duplicate(addr, firstAddr, f, value))
			})
			return nil
		})
	}
	_ = g.Wait() // nothing returns an error
	var diags providers.Diagnostics
	for _, d := range found {
		diags = append(diags, d...)
	}
	return diags
}

func duplicate(addr, firstAddr string, f uniqueField, value string) providers.Diagnostic {
	return providers.Diagnostic{
		Severity: providers.Error,
		Summary:  "Duplicate account " + strings.Split(f.what, " (")[0],
		Detail: fmt.Sprintf("%s has the same %s as %s (%q). USAPI keeps it unique and would refuse the second registration: give each account its own.",
			addr, f.what, firstAddr, value),
		Path:     attrPath(f.name),
		Resource: addr,
	}
}
