package addrs

import "testing"

func TestModuleAddresses(t *testing.T) {
	for in, want := range map[string]struct {
		module, instance string
		ownKey           bool
	}{
		`module.hire["ani"].usapi_account.this`:                 {"hire[]", `module.hire["ani"]`, false},
		`module.team.usapi_account.p["ani"]`:                    {"team", "module.team", true},
		`module.team.module.lead[0].usapi_account.this`:         {"team.lead[]", "module.team.module.lead[0]", false},
		`module.hire["a.b"].data.prakerja_profile.this`:         {"hire[]", `module.hire["a.b"]`, false},
		`module.hire["x]"].proofylink_verification.check`:       {"hire[]", `module.hire["x]"]`, false},
		`module.a["x"].usapi_account.p["y"]`:                    {"a[]", `module.a["x"]`, true},
		`module.a["x"].module.b[0].usapi_account.p`:             {"a[].b[]", `module.a["x"].module.b[0]`, false},
		`module.a["x"].module.c.module.b[0].usapi_account.p[2]`: {"a[].c.b[]", `module.a["x"].module.c.module.b[0]`, true},
	} {
		inst, err := ParseInstance(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if inst.String() != in || inst.Resource.Module != want.module || inst.ModuleInstance() != want.instance || (inst.OwnKey() != nil) != want.ownKey {
			t.Errorf("%s: read as %q (module %q, instance %q, own key %v)", in, inst, inst.Resource.Module, inst.ModuleInstance(), inst.OwnKey())
		}
	}
	for _, bad := range []string{`module..usapi_account.p`, `module.a[x].usapi_account.p`, `module.a["x"].usapi_account.p["y"][0]`} {
		if _, err := ParseInstance(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestModuleTargets(t *testing.T) {
	ani, _ := ParseInstance(`module.hire["ani"].usapi_account.this`)
	budi, _ := ParseInstance(`module.hire["budi"].usapi_account.this`)
	root, _ := ParseInstance(`usapi_account.this["ani"]`)
	for target, want := range map[string][3]bool{
		`module.hire["ani"]`:                    {true, false, false},
		`module.hire`:                           {true, true, false},
		`module.hire.usapi_account.this`:        {true, true, false},
		`module.hire["ani"].usapi_account.this`: {true, false, false},
		`usapi_account.this`:                    {false, false, true},
		`module.hir`:                            {false, false, false},
	} {
		tg, err := ParseTarget(target)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if got := [3]bool{tg.Matches(ani), tg.Matches(budi), tg.Matches(root)}; got != want || tg.String() != target {
			t.Errorf("%s (%s) matches %v, want %v", target, tg, got, want)
		}
	}
}

// TestNestedKeyTargets: an address with several keys (a keyed module's
// keyed resource, nested keyed modules) is selected by its module
// instances and its resource, with or without the resource's own key.
func TestNestedKeyTargets(t *testing.T) {
	x, _ := ParseInstance(`module.hire["ani"].usapi_account.extra["x"]`)
	y, _ := ParseInstance(`module.hire["ani"].usapi_account.extra["y"]`)
	budi, _ := ParseInstance(`module.hire["budi"].usapi_account.extra["x"]`)
	for target, want := range map[string][3]bool{
		`module.hire["ani"]`:                          {true, true, false},
		`module.hire`:                                 {true, true, true},
		`module.hire.usapi_account.extra`:             {true, true, true},
		`module.hire["ani"].usapi_account.extra`:      {true, true, false},
		`module.hire["ani"].usapi_account.extra["x"]`: {true, false, false},
		`module.hire["an"]`:                           {false, false, false},
	} {
		tg, err := ParseTarget(target)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if got := [3]bool{tg.Matches(x), tg.Matches(y), tg.Matches(budi)}; got != want || tg.String() != target {
			t.Errorf("%s (%s) matches %v, want %v", target, tg, got, want)
		}
	}
	if !x.Less(y) || !y.Less(budi) || x.Key != JoinKeys(StringKey("ani"), StringKey("x")) {
		t.Errorf("order or key: %v %v %v", x.Less(y), y.Less(budi), x.Key)
	}
}
