package plans

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
)

// TestDeferredNoOpHoldsItsBeforeAlone: a deferred no-op keeps only its
// stored value (no rest of an unread), and reads back as a no-op whose
// before and after are that value, without configuration.
func TestDeferredNoOpHoldsItsBeforeAlone(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "n": cty.Number})
	want := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "n": cty.NumberIntVal(3)})
	c := &Change{Action: Update, Before: cty.NullVal(ty), After: want}
	c.Defer(codec.LazyJSON([]byte(`{"username":"ani","n":3}`), ty))
	if c.unread == nil || c.unread.more != nil || !c.Deferred() || c.Action != NoOp {
		t.Fatalf("deferred: %+v", c.unread)
	}
	if cfg := c.unread.config(); c.unread.after() != nil || c.unread.packed() || !cfg.IsZero() {
		t.Fatal("a deferred no-op reads as having more than its before")
	}
	before, after, err := c.Values()
	if err != nil || !before.RawEquals(want) || !after.RawEquals(want) {
		t.Fatalf("values %#v, %#v, %v", before, after, err)
	}
	if cfg, err := c.ConfigValue(); err != nil || cfg != cty.NilVal {
		t.Fatalf("configuration %#v, %v", cfg, err)
	}
	if err := c.ReadDeferred(); err != nil || c.Deferred() || !c.Before.RawEquals(want) || !c.After.RawEquals(want) || c.Config != cty.NilVal {
		t.Fatalf("read: %v, %#v, %#v, %#v", err, c.Before, c.After, c.Config)
	}
}
