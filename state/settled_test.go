package state

import "testing"

// TestDecodeSettled: the resource decoder reads settled as encoding/json
// does, and leaves to it what it does not read.
func TestDecodeSettled(t *testing.T) {
	for name, doc := range map[string]string{
		"true":    `{"version":1,"lineage":"x","resources":[{"address":"a.b","settled":true},{"address":"a.c","settled": false }]}`,
		"spaced":  "{\"version\":1,\"lineage\":\"x\",\"resources\":[{\"address\":\"a.b\",\"settled\"\n:\ttrue\n}]}",
		"invalid": `{"version":1,"lineage":"x","resources":[{"address":"a.b","settled":truex}]}`,
		"string":  `{"version":1,"lineage":"x","resources":[{"address":"a.b","settled":"true"}]}`,
	} {
		t.Run(name, func(t *testing.T) { sameAsReference(t, []byte(doc), false) })
	}
}
