package addrs

import "testing"

func TestModuleAddresses(t *testing.T) {
	for in, want := range map[string]struct {
		module, instance string
		ownKey           bool
	}{
		`module.hire["ani"].usapi_account.this`:           {"hire[]", `module.hire["ani"]`, false},
		`module.team.usapi_account.p["ani"]`:              {"team", "module.team", true},
		`module.team.module.lead[0].usapi_account.this`:   {"team.lead[]", "module.team.module.lead[0]", false},
		`module.hire["a.b"].data.prakerja_profile.this`:   {"hire[]", `module.hire["a.b"]`, false},
		`module.hire["x]"].proofylink_verification.check`: {"hire[]", `module.hire["x]"]`, false},
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
	for _, bad := range []string{`module.a["x"].usapi_account.p["y"]`, `module.a["x"].module.b["y"].usapi_account.p`, `module..usapi_account.p`, `module.a[x].usapi_account.p`} {
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
