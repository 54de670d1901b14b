package codec

import (
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// A Lazy decodes to the value it was made from, as often and from as many
// goroutines as asked; the zero Lazy to cty.NilVal.
func TestLazy(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "tags": cty.List(cty.String)})
	v := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "tags": cty.ListVal([]cty.Value{cty.StringVal("a")})})
	js, err := ctyjson.Marshal(v, ty)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := ctymsgpack.Marshal(v, ty)
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]Lazy{"json": LazyJSON(js, ty), "msgpack": LazyMsgpack(mp, ty)} {
		if l.IsZero() {
			t.Errorf("%s: IsZero", name)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				got, err := l.Decode()
				if err != nil || !got.RawEquals(v) {
					t.Errorf("%s: Decode gave %#v, %v", name, got, err)
				}
			})
		}
		wg.Wait()
	}
	var zero Lazy
	if got, err := zero.Decode(); !zero.IsZero() || got != cty.NilVal || err != nil {
		t.Errorf("the zero Lazy: IsZero %v, Decode %#v, %v", zero.IsZero(), got, err)
	}
	if _, err := LazyJSON([]byte(`{"nope":1}`), ty).Decode(); err == nil {
		t.Error("a Lazy of bad JSON decoded without an error")
	}
}
