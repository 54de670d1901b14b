package usapi

import (
	"github.com/zclconf/go-cty/cty"
)

// keepIgnored puts back the prior stored form of the inputs the
// configuration ignores (ignore_changes): the password's digest, and with
// basic_profile.profile_img the digest of the photo, which the planned
// value would otherwise derive again (from the prior digest, or from an
// edited file).
func keepIgnored(planned, prior cty.Value, ignored []cty.Path) cty.Value {
	if len(ignored) == 0 || prior.IsNull() || !prior.IsKnown() {
		return planned
	}
	keep := append([]cty.Path(nil), ignored...)
	for _, p := range ignored {
		if p.Equals(attrPath(attrBasicProfile, attrProfileImg)) {
			keep = append(keep, attrPath(attrBasicProfile, attrProfileImgSHA))
		}
	}
	out, err := cty.Transform(planned, func(path cty.Path, v cty.Value) (cty.Value, error) {
		for _, k := range keep {
			if path.Equals(k) {
				if old, err := k.Apply(prior); err == nil {
					return old, nil
				}
			}
		}
		return v, nil
	})
	if err != nil {
		return planned
	}
	return out
}
