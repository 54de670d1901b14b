package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

const (
	knownAfterApply = "(known after apply)"
	sensitiveValue  = "(sensitive value)"
)

// sensitiveSet answers whether a path is sensitive or lies under one.
type sensitiveSet []cty.Path

func (s sensitiveSet) covers(p cty.Path) bool {
	for _, sp := range s {
		if len(sp) <= len(p) && p[:len(sp)].Equals(sp) {
			return true
		}
	}
	return false
}

// formatValue renders v as an HCL literal on one line, hiding what is
// sensitive and marking what is unknown.
func formatValue(v cty.Value, path cty.Path, sens sensitiveSet) string {
	switch {
	case sens.covers(path) && !v.IsNull():
		return sensitiveValue
	case v.IsMarked():
		unmarked, _ := v.Unmark()
		if unmarked.IsNull() {
			return "null"
		}
		return sensitiveValue
	case !v.IsKnown():
		return knownAfterApply
	case v.IsNull():
		return "null"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return strconv.Quote(v.AsString())
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return strconv.FormatBool(v.True())
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		return formatSequence(v, path, sens)
	case ty.IsMapType() || ty.IsObjectType():
		return formatMapping(v, path, sens)
	}
	return fmt.Sprintf("%#v", v)
}

func formatSequence(v cty.Value, path cty.Path, sens sensitiveSet) string {
	var parts []string
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		parts = append(parts, formatValue(e, append(path.Copy(), cty.IndexStep{Key: k}), sens))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func formatMapping(v cty.Value, path cty.Path, sens sensitiveSet) string {
	m := v.AsValueMap()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		step := cty.PathStep(cty.GetAttrStep{Name: k})
		if v.Type().IsMapType() {
			step = cty.IndexStep{Key: cty.StringVal(k)}
		}
		parts = append(parts, formatKey(k)+" = "+formatValue(m[k], append(path.Copy(), step), sens))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func formatKey(k string) string {
	for i, c := range k {
		ok := c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return strconv.Quote(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

// Value renders v as an HCL literal on one line, as daftar console prints
// it: a sensitive (marked) part as (sensitive value), an unknown one as
// (known after apply).
func Value(v cty.Value) string { return formatValue(v, nil, nil) }
