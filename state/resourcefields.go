package state

import (
	"fmt"
	"reflect"
	"slices"
)

// resourceFieldsHandled describes Resource's fields (name, type, JSON tag)
// as decodeResource and appendResource were written for: they read and
// write the fields one by one, by hand. Should Resource change, encoding/json
// reads and writes every resource until they are brought up to date (slower,
// but no field is lost or misread), and TestResourceFieldsHandled fails
// meanwhile.
var resourceFieldsHandled = []string{
	`Address string json:"address"`,
	`Module string json:"module,omitempty"`,
	`Mode string json:"mode"`,
	`Type string json:"type"`,
	`Name string json:"name"`,
	`IndexKey json.RawMessage json:"index_key,omitempty"`,
	`Provider string json:"provider"`,
	`Attributes json.RawMessage json:"attributes,omitempty"`,
	`SensitivePaths [][]interface {} json:"sensitive_paths,omitempty"`,
	`ConfigDigest string json:"config_digest,omitempty"`,
	`Settled bool json:"settled,omitempty"`,
	`Dependencies []string json:"dependencies,omitempty"`,
	`Pending *state.Intent json:"pending,omitempty"`,
	`UpdatedAt time.Time json:"updated_at"`,
}

// handCodecCurrent is set when Resource is as resourceFieldsHandled says.
var handCodecCurrent = slices.Equal(resourceFields(), resourceFieldsHandled)

// resourceFields describes Resource's fields as resourceFieldsHandled does.
func resourceFields() []string {
	t := reflect.TypeFor[Resource]()
	fields := make([]string, t.NumField())
	for i := range fields {
		f := t.Field(i)
		fields[i] = fmt.Sprintf("%s %s %s", f.Name, f.Type, f.Tag)
	}
	return fields
}
