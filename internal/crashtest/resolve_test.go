package crashtest

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// Each way a create's lost answer is resolved during apply, against the
// sandbox over HTTP: the create is answered 500 without the work being
// done ("fail": not created, sent again), or done and its connection cut
// ("drop": adopted), or the remote cannot tell (undecided: the intent
// stays, nothing is sent again).
func TestResolveDuringApply(t *testing.T) {
	tests := map[string]struct {
		config, addr, path, fault string
		before                    func(e *engine)
		wantAdded, wantCreates    int
		wantPending               bool
		check                     func(t *testing.T, r *Records)
	}{
		"account adopted": {
			config: accountConfig, addr: accountAddr, path: signupPath, fault: "drop",
			wantAdded: 1, wantCreates: 1, check: oneAccountWithProfile,
		},
		"account not created": {
			config: accountConfig, addr: accountAddr, path: signupPath, fault: "fail",
			wantAdded: 1, wantCreates: 2, check: oneAccountWithProfile,
		},
		"account undecided": {
			config: accountConfig, addr: accountAddr, path: signupPath, fault: "fail",
			before:    func(e *engine) { e.signUpAni("ani_lain", "Another-Password-1") },
			wantAdded: 0, wantCreates: 1, wantPending: true,
			check: func(t *testing.T, r *Records) {
				if len(r.Accounts) != 1 || r.Accounts[0].Username != "ani_lain" {
					t.Errorf("accounts %+v, want only the other owner of the e-mail", r.Accounts)
				}
			},
		},
		"verification adopted": {
			config: verificationConfig, addr: verificationAddr, path: uploadPath, fault: "drop",
			wantAdded: 1, wantCreates: 1, check: verifications(1, 999),
		},
		"verification not created": {
			config: verificationConfig, addr: verificationAddr, path: uploadPath, fault: "fail",
			wantAdded: 1, wantCreates: 2, check: verifications(1, 999),
		},
		"verification undecided": {
			// Screened twice already, and again on purpose: the create is sent.
			config: strings.Replace(verificationConfig, "  form_consent", "  allow_repeat         = true\n  form_consent", 1), addr: verificationAddr, path: uploadPath, fault: "fail",
			before:    func(e *engine) { e.verifyAni(); e.verifyAni() },
			wantAdded: 0, wantCreates: 1, wantPending: true, check: verifications(2, 998),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, tc.config)
			if tc.before != nil {
				tc.before(e)
			}
			sent := e.faults.posts(tc.path)
			e.faults.inject("POST", tc.path, tc.fault, 1)
			rep, _ := e.apply(plans.Options{})
			if rep.Added != tc.wantAdded || rep.Failed != 1-tc.wantAdded {
				t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
			}
			if got := e.faults.posts(tc.path) - sent; got != tc.wantCreates {
				t.Errorf("the create was sent %d times, want %d", got, tc.wantCreates)
			}
			rec := e.stored(tc.addr)
			if pending := rec != nil && rec.Pending() != nil; pending != tc.wantPending {
				t.Errorf("intent left in the state: %v, want %v", pending, tc.wantPending)
			}
			if all := summaries(rep.Diagnostics); tc.wantPending && !strings.Contains(all, "create outcome unknown") {
				t.Errorf("an undecided create must say so: %s", all)
			}
			tc.check(t, e.records())
			if !tc.wantPending {
				res, _, diags := e.plan(plans.Options{})
				if diags.HasErrors() || res.Plan.HasChanges() {
					t.Errorf("a completed apply must leave nothing to plan: %s %v", diags.Error(), res.Plan.Changes)
				}
			}
		})
	}
}

// Each way the next plan resolves an intent that a killed apply left,
// against the sandbox over HTTP, and what apply then does.
func TestResolveWhenPlanning(t *testing.T) {
	tests := map[string]struct {
		config, addr, path string
		remote             func(e *engine) // what the killed apply's request did
		outcome, action    string
		wantCreates        int
		wantPending        bool
		check              func(t *testing.T, r *Records)
	}{
		"account adopted": {
			config: accountConfig, addr: accountAddr, path: signupPath,
			remote:  func(e *engine) { e.signUpAni("ani", "Rahasia-Ani-2026") },
			outcome: "adopted", action: "update", // the profile, never sent
			check: oneAccountWithProfile,
		},
		"account not created": {
			config: accountConfig, addr: accountAddr, path: signupPath,
			outcome: "not-created", action: "create", wantCreates: 1, check: oneAccountWithProfile,
		},
		"account undecided": {
			config: accountConfig, addr: accountAddr, path: signupPath,
			remote:  func(e *engine) { e.signUpAni("ani_lain", "Another-Password-1") },
			outcome: "undecided", action: "no-op", wantPending: true,
			check: func(t *testing.T, r *Records) {
				if len(r.Accounts) != 1 {
					t.Errorf("accounts %+v, want only the other owner of the e-mail", r.Accounts)
				}
			},
		},
		"verification adopted": {
			config: verificationConfig, addr: verificationAddr, path: uploadPath,
			remote:  func(e *engine) { e.verifyAni() },
			outcome: "adopted", action: "no-op", check: verifications(1, 999),
		},
		"verification not created": {
			config: verificationConfig, addr: verificationAddr, path: uploadPath,
			outcome: "not-created", action: "create", wantCreates: 1, check: verifications(1, 999),
		},
		"verification undecided": {
			config: verificationConfig, addr: verificationAddr, path: uploadPath,
			remote:  func(e *engine) { e.verifyAni(); e.verifyAni() },
			outcome: "undecided", action: "no-op", wantPending: true, check: verifications(2, 998),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, tc.config)
			e.pending(tc.addr, time.Now().Add(-30*time.Second))
			if tc.remote != nil {
				tc.remote(e)
			}
			sent := e.faults.posts(tc.path)
			rep, plan := e.apply(plans.Options{})
			if len(plan.Resolutions) != 1 || plan.Resolutions[0].Outcome != tc.outcome {
				t.Fatalf("resolutions %+v, want one %s", plan.Resolutions, tc.outcome)
			}
			if got := plan.Changes[0].Action.String(); got != tc.action {
				t.Errorf("planned %s, want %s", got, tc.action)
			}
			if rep.Failed > 0 || rep.Diagnostics.HasErrors() {
				t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
			}
			if got := e.faults.posts(tc.path) - sent; got != tc.wantCreates {
				t.Errorf("the create was sent %d times, want %d", got, tc.wantCreates)
			}
			rec := e.stored(tc.addr)
			if pending := rec == nil || rec.Pending() != nil; pending != tc.wantPending {
				t.Errorf("intent still in the state: %v, want %v (%+v)", pending, tc.wantPending, rec)
			}
			tc.check(t, e.records())
		})
	}
}

// An undecided verification is created again only when the user asks
// with -replace, spending one more token.
func TestUndecidedVerificationReplacedOnRequest(t *testing.T) {
	e := newEngine(t, verificationConfig)
	e.pending(verificationAddr, time.Now().Add(-30*time.Second))
	e.verifyAni()
	e.verifyAni()
	_, plan := e.apply(plans.Options{})
	if plan.Changes[0].Action != plans.NoOp {
		t.Fatalf("undecided planned %s, want no-op", plan.Changes[0].Action)
	}
	rep, plan := e.apply(plans.Options{Replace: []string{verificationAddr}})
	if rep.Added != 1 || plan.Resolutions[0].Outcome != "undecided" {
		t.Fatalf("report %+v, resolutions %+v: %s", rep, plan.Resolutions, rep.Diagnostics.Error())
	}
	if rec := e.stored(verificationAddr); rec == nil || rec.Pending() != nil {
		t.Fatalf("-replace must settle the intent: %+v", rec)
	}
	verifications(3, 997)(t, e.records())
}

func oneAccountWithProfile(t *testing.T, r *Records) {
	t.Helper()
	if len(r.Accounts) != 1 || r.Accounts[0].Username != "ani" {
		t.Fatalf("accounts %+v, want ani once", r.Accounts)
	}
	if p := r.Accounts[0].BasicProfile; p == nil || p.Gender != "Perempuan" || p.DateOfBirth != "1996-04-15" {
		t.Errorf("ani's basic profile is %+v, want the declared one", p)
	}
}

func verifications(n, tokensLeft int) func(t *testing.T, r *Records) {
	return func(t *testing.T, r *Records) {
		t.Helper()
		if len(r.Verifications) != n || r.TokensLeft != tokensLeft {
			t.Errorf("%d verifications and %d tokens left, want %d and %d", len(r.Verifications), r.TokensLeft, n, tokensLeft)
		}
	}
}

func summaries(diags hcl.Diagnostics) string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return strings.Join(out, "\n")
}

// The way out of an undecided intent that the plan proposes works: daftar
// import adopts the right record at the address holding the intent.
func TestUndecidedIntentSettledByImport(t *testing.T) {
	e := newEngine(t, verificationConfig)
	e.pending(verificationAddr, time.Now().Add(-30*time.Second))
	e.verifyAni()
	e.verifyAni()
	plan := Run(t, bin, e.dir, "plan")
	if plan.Code() != 0 || !strings.Contains(plan.Stderr(), "Interrupted create undecided") || !strings.Contains(plan.Stderr(), "daftar import") {
		t.Fatalf("the plan must say the intent is undecided and how to settle it:\n%s", plan)
	}
	code := e.records().Verifications[1].ReferenceCode
	imp := Run(t, bin, e.dir, "import", verificationAddr, code)
	if imp.Code() != 0 {
		t.Fatalf("import of the address holding the intent:\n%s", imp)
	}
	if rec := e.stored(verificationAddr); rec == nil || rec.Pending() != nil || !strings.Contains(string(backendtest.AttrsOf(rec)), code) {
		t.Fatalf("import must record %s and settle the intent: %+v", code, rec)
	}
	if again := Run(t, bin, e.dir, "plan", "-detailed-exitcode"); again.Code() != 0 || strings.Contains(again.Stderr(), "undecided") {
		t.Fatalf("after the import nothing is left to plan:\n%s", again)
	}
	verifications(2, 998)(t, e.records())
}
