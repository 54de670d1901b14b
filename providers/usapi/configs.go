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

// uniqueCheck keeps, of each account, its unique fields: one entry an
// account, its key the fields' keys ("" for a field it has not), so that
// its order and address are held once, not once a field (a million
// accounts' entries are 72 MB instead of 120).
type uniqueCheck struct {
	accounts providers.Repeats[[len(uniqueFields)]string]
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

// add adds the account's entry. Its shown value is the value as written
// of the field whose key is not it (the e-mail, in lower case), "" when
// none: Diagnostics shows it for that field, each other's key as itself.
func (c *uniqueCheck) add(order int64, addr string, a attrReader) {
	var key [len(uniqueFields)]string
	var shown string
	for i, f := range uniqueFields {
		if s, ok := strAttr(a, f.name); ok && s != "" {
			if key[i] = f.key(s); key[i] != s {
				shown = s
			}
		}
	}
	if key != ([len(uniqueFields)]string{}) {
		c.accounts.Add(order, addr, key, shown)
	}
}

// Diagnostics checks the fields concurrently: a batch of 100,000 accounts
// is checked three times over.
func (c *uniqueCheck) Diagnostics() providers.Diagnostics {
	found := make([]providers.Diagnostics, len(uniqueFields))
	var g errgroup.Group
	for i, f := range uniqueFields {
		g.Go(func() error {
			field := func(k [len(uniqueFields)]string) (string, bool) { return k[i], k[i] != "" }
			providers.EachPart(&c.accounts, field, func(addr, firstAddr, key, shown string) {
				value := key // as written, unless the field normalises it
				if shown != "" && f.key(shown) == key {
					value = shown // the e-mail as written (another field's key is itself)
				}
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
