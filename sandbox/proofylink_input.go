package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// plInput is a create request's fields, from JSON, multipart or urlencoded
// bodies alike. Values are JSON-typed (string, json.Number, bool,
// map[string]any, []any, nil); form fields are strings; file parts are in
// files.
type plInput struct {
	values map[string]any
	files  map[string][]byte
}

var errTooLarge = errors.New("request body too large")

// readPLInput reads the body by its Content-Type. Undecodable JSON reads as
// an empty input, as Laravel does, so the answer is a 422 of required fields.
func readPLInput(w http.ResponseWriter, r *http.Request) (*plInput, error) {
	limitBody(w, r)
	in := &plInput{values: map[string]any{}, files: map[string][]byte{}}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "multipart/form-data":
		err = in.readMultipart(r)
	case "application/x-www-form-urlencoded":
		err = in.readForm(r)
	default:
		err = in.readJSON(r.Body)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errTooLarge
	}
	if err != nil { // an unreadable body has no fields
		in = &plInput{values: map[string]any{}, files: map[string][]byte{}}
	}
	return in, nil
}

func (in *plInput) readJSON(body io.Reader) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) == nil && m != nil {
		in.values = m
	}
	return nil
}

func (in *plInput) readForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in.addValues(r.PostForm)
	return nil
}

func (in *plInput) readMultipart(r *http.Request) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	in.addValues(r.MultipartForm.Value)
	for name := range r.MultipartForm.File {
		data, _, err := formFile(r, name)
		if err != nil {
			return err
		}
		in.files[name] = data
	}
	return nil
}

// addValues takes form fields; "consent_metadata[os]" fields gather into a
// consent_metadata object, as PHP reads them.
func (in *plInput) addValues(form map[string][]string) {
	for key, vs := range form {
		if len(vs) == 0 {
			continue
		}
		parent, child, nested := splitBracketKey(key)
		if !nested {
			in.values[key] = vs[0]
			continue
		}
		obj, _ := in.values[parent].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
			in.values[parent] = obj
		}
		obj[child] = vs[0]
	}
}

func splitBracketKey(key string) (parent, child string, ok bool) {
	i := strings.IndexByte(key, '[')
	if i <= 0 || !strings.HasSuffix(key, "]") {
		return "", "", false
	}
	return key[:i], key[i+1 : len(key)-1], true
}
