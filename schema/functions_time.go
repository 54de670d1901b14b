package schema

import (
	"errors"
	"fmt"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// runTimeFunc makes timestamp and plantimestamp. Both return the time the
// plan was made (RFC 3339, UTC), which a saved plan keeps, so that the plan
// and its apply see the same value; unknown when there is no plan (validate).
// Terraform's timestamp() is unknown in a plan and the apply's own time
// after; daftar gives the plan's time instead so that a plan shows what
// apply sends (docs/language.md).
func runTimeFunc(desc string, at time.Time) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Type:        function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			if at.IsZero() {
				return cty.UnknownVal(cty.String).RefineNotNull(), nil
			}
			return cty.StringVal(at.UTC().Format(time.RFC3339)), nil
		},
	})
}

// timeCmpFunc compares two RFC 3339 timestamps: -1, 0 or 1.
var timeCmpFunc = function.New(&function.Spec{
	Description: "Compares two RFC 3339 timestamps: -1 when a is before b, 0 when they are the same instant, 1 after.",
	Params: []function.Parameter{
		{Name: "timestamp_a", Type: cty.String},
		{Name: "timestamp_b", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var ts [2]time.Time
		for i := range ts {
			t, err := parseRFC3339(args[i].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(i, err)
			}
			ts[i] = t
		}
		return cty.NumberIntVal(int64(ts[0].Compare(ts[1]))), nil
	},
})

func parseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	var perr *time.ParseError
	if errors.As(err, &perr) {
		return t, fmt.Errorf("%q is not an RFC 3339 timestamp such as 2026-12-05T14:30:00Z", s)
	}
	return t, err
}
