package planner

import (
	"encoding/json"
	"testing"

	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestProjectedPredictionIsRefValue: the value predict gives an instance
// whose dependents read some attributes (decodeProjected, refProjected)
// is the one refValue gives of its whole decoded record: the same
// attributes, nulls, types and marks (the schema's sensitive ones and the
// record's own, on kept attributes and on others), for records null,
// empty, missing a kept attribute or holding one the type lacks; and a
// record decodeAttrs refuses, for an attribute no dependent reads, is
// refused too (the walk then reports it).
func TestProjectedPredictionIsRefValue(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{
		"id": cty.String, "email": cty.String, "password": cty.String, "age": cty.Number,
		"tags": cty.List(cty.String), "profile": cty.Object(map[string]cty.Type{"phone": cty.String}),
	})
	sensitive := []cty.Path{cty.GetAttrPath("password"), cty.GetAttrPath("email"), cty.GetAttrPath("profile").GetAttr("phone")}
	pathMarks := func(paths ...cty.Path) []cty.PathValueMarks {
		out := make([]cty.PathValueMarks, len(paths))
		for i, p := range paths {
			out[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(schema.Sensitive)}
		}
		return out
	}
	records := map[string]string{
		"whole":           `{"id":"a-1","email":"ani@example.id","password":"x","age":30,"tags":["a"],"profile":{"phone":"62812"}}`,
		"no email":        `{"id":"a-1","age":30}`,
		"null email":      `{"id":"a-1","email":null}`,
		"empty object":    `{}`,
		"null":            `null`,
		"none":            ``,
		"spaces":          "  \n{\"email\":\"a\"}\n ",
		"age as a string": `{"email":"a","age":"30"}`,
		"escapes":         `{"email":"\u0061ni\n","tags":["\u00e9"]}`,
	}
	refused := map[string]string{
		"age not a number":  `{"email":"a","age":"thirty"}`,
		"unknown attribute": `{"email":"a","nickname":"x"}`,
		"tags not a list":   `{"email":"a","tags":"x"}`,
		"bad escape":        `{"email":"a","password":"\q"}`,
		"cut off":           `{"email":"a","age":3`,
	}
	uses := map[string]map[string]bool{
		"email":          {"email": true},
		"id and profile": {"id": true, "profile": true},
		"password":       {"password": true},
		"not in type":    {"nickname": true, "id": true},
	}
	ownMarks := map[string][]cty.PathValueMarks{
		"none":           nil,
		"on id":          pathMarks(cty.GetAttrPath("id")),
		"on age and tag": pathMarks(cty.GetAttrPath("age"), cty.GetAttrPath("tags").IndexInt(0)),
		"whole":          pathMarks(cty.Path{}),
	}
	for uname, attrs := range uses {
		r := &resource{ty: ty, sensitive: sensitive, sensMarks: sensitiveMarks(sensitive), referenced: true, use: &use{attrs: attrs}}
		if !r.projected() {
			t.Fatalf("%s: not projected", uname)
		}
		sens := r.projectMarks(r.sensMarks)
		for rname, raw := range records {
			for mname, marks := range ownMarks {
				whole, err := decodeAttrs(json.RawMessage(raw), ty)
				if err != nil {
					t.Fatalf("%s: %v", rname, err)
				}
				want := r.refValue(whole, marks)
				prior, err := decodeProjected(json.RawMessage(raw), ty, attrs)
				if err != nil {
					t.Errorf("%s, %s: refused: %v", uname, rname, err)
					continue
				}
				if got := r.refProjected(prior, sens, marks); !got.RawEquals(want) {
					t.Errorf("%s, %s, marks %s:\n got %#v\nwant %#v", uname, rname, mname, got, want)
				}
			}
		}
		for rname, raw := range refused {
			if _, err := decodeAttrs(json.RawMessage(raw), ty); err == nil {
				t.Fatalf("%s: decodeAttrs accepts it", rname)
			}
			if v, err := decodeProjected(json.RawMessage(raw), ty, attrs); err == nil {
				t.Errorf("%s, %s: accepted as %#v", uname, rname, v)
			}
		}
	}
}
