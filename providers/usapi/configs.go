package usapi

import (
	"fmt"
	"strings"
	"sync"

	"github.com/daftar-dev/daftar/providers"
)

// uniqueField is an input USAPI keeps unique across accounts.
type uniqueField struct {
	name string
	// key normalises a value for comparison.
	key  func(string) string
	what string
}

var uniqueFields = []uniqueField{
	{attrUsername, identity, "username"},
	{attrEmail, strings.ToLower, "e-mail address (compared ignoring case)"},
	{attrPhoneNumber, identity, "phone number"},
}

func identity(s string) string { return s }

// ValidateConfigs reports two accounts that share a username, an e-mail or
// a phone number: USAPI would refuse the second. The error is on the
// second, naming the first.
// The fields are checked concurrently: a batch of 100,000 accounts is
// checked three times over.
func (p *Provider) ValidateConfigs(reqs []providers.ValidateRequest) providers.Diagnostics {
	found := make([]providers.Diagnostics, len(uniqueFields))
	var wg sync.WaitGroup
	for i, f := range uniqueFields {
		wg.Go(func() { found[i] = duplicates(reqs, f) })
	}
	wg.Wait()
	var diags providers.Diagnostics
	for _, d := range found {
		diags = append(diags, d...)
	}
	return diags
}

func duplicates(reqs []providers.ValidateRequest, f uniqueField) providers.Diagnostics {
	var diags providers.Diagnostics
	first := map[string]string{}
	for _, r := range reqs {
		if r.Type != accountType {
			continue
		}
		s, ok := str(plain(r.Config), f.name)
		if !ok || s == "" {
			continue
		}
		k := f.key(s)
		if addr, seen := first[k]; seen {
			diags = append(diags, duplicate(r.Addr, addr, f, s))
			continue
		}
		first[k] = r.Addr
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
