package suggest

import "testing"

func TestClosest(t *testing.T) {
	tests := map[string]struct {
		given      string
		candidates []string
		want       string
	}{
		"one edit":         {"usapi_acount", []string{"usapi_account", "usapi_email"}, "usapi_account"},
		"too far":          {"account", []string{"usapi_account"}, ""},
		"two edits":        {"aply", []string{"apply", "plan"}, "apply"},
		"tie sorts first":  {"ab", []string{"ac", "aa"}, "aa"},
		"none":             {"x", nil, ""},
		"exact is closest": {"plan", []string{"plans", "plan"}, "plan"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Closest(tc.given, tc.candidates); got != tc.want {
				t.Errorf("Closest(%q, %q) = %q, want %q", tc.given, tc.candidates, got, tc.want)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	if got := DidYouMean("usapi_acount", []string{"usapi_account"}); got != ` Did you mean "usapi_account"?` {
		t.Errorf("got %q", got)
	}
	if got := DidYouMean("zzz", []string{"usapi_account"}); got != "" {
		t.Errorf("got %q, want nothing", got)
	}
}
