package schema

import (
	"fmt"

	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"gopkg.in/yaml.v3"
)

// maxYAMLAliasNodes bounds the nodes a YAML document may reach through
// aliases, counted as if every alias were expanded. Nested aliases (a
// "billion laughs" document) multiply at each level: a few hundred bytes
// can stand for a billion values, which decoding and typing would take
// minutes and gigabytes to build. A real file reuses a block through an
// anchor a few thousand times at most.
const maxYAMLAliasNodes = 1_000_000

// yamlDecodeFunc is go-cty-yaml's yamldecode, refusing first a document
// whose aliases expand beyond maxYAMLAliasNodes.
var yamlDecodeFunc = function.New(&function.Spec{
	Params: ctyyaml.YAMLDecodeFunc.Params(),
	Type: func(args []cty.Value) (cty.Type, error) {
		if args[0].IsKnown() && !args[0].IsNull() {
			if err := checkYAMLAliases(args[0].AsString()); err != nil {
				return cty.NilType, function.NewArgError(0, err)
			}
		}
		return ctyyaml.YAMLDecodeFunc.ReturnType([]cty.Type{args[0].Type()})
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return ctyyaml.YAMLDecodeFunc.Call(args)
	},
})

// checkYAMLAliases counts the nodes the document's aliases stand for. A
// document yaml.v3 cannot parse is left to go-cty-yaml, which reports its
// own error.
func checkYAMLAliases(src string) error {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(src), &doc) != nil {
		return nil
	}
	memo := map[*yaml.Node]int64{}
	var size func(n *yaml.Node) int64
	size = func(n *yaml.Node) int64 {
		if n == nil {
			return 0
		}
		if s, ok := memo[n]; ok {
			return s
		}
		memo[n] = 1 // a cycle counts once; go-cty-yaml refuses it
		s := int64(1)
		if n.Kind == yaml.AliasNode {
			s += size(n.Alias)
		}
		for _, c := range n.Content {
			if s += size(c); s > maxYAMLAliasNodes*2 {
				break
			}
		}
		memo[n] = s
		return s
	}
	var aliased int64
	var walk func(n *yaml.Node)
	seen := map[*yaml.Node]bool{}
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] || aliased > maxYAMLAliasNodes {
			return
		}
		seen[n] = true
		if n.Kind == yaml.AliasNode {
			aliased += size(n.Alias)
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	if aliased > maxYAMLAliasNodes {
		return fmt.Errorf("the YAML document's aliases (*name) expand to more than %d values (nested aliases, as in a \"billion laughs\" document): daftar refuses it. Write the values out, or use fewer levels of aliases", maxYAMLAliasNodes)
	}
	return nil
}
