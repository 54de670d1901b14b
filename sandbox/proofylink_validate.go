package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// fieldErrors is Laravel's errors bag: field → messages, kept in the order
// the rules are declared, which is also the JSON order.
type fieldErrors struct {
	keys []string
	msgs map[string][]string
}

func (e *fieldErrors) add(field, msg string) {
	if e.msgs == nil {
		e.msgs = map[string][]string{}
	}
	if _, ok := e.msgs[field]; !ok {
		e.keys = append(e.keys, field)
	}
	e.msgs[field] = append(e.msgs[field], msg)
}

func (e *fieldErrors) empty() bool { return len(e.keys) == 0 }

// first is the message Laravel puts at the top of a 422.
func (e *fieldErrors) first() string { return e.msgs[e.keys[0]][0] }

func (e *fieldErrors) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range e.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(e.msgs[k])
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// validationError is the 422 body.
type validationError struct {
	Status  string       `json:"status"`
	Message string       `json:"message"`
	Errors  *fieldErrors `json:"errors"`
}

// Laravel's Indonesian messages name a field by its key with "_" as " ".
func attr(field string) string { return strings.ReplaceAll(field, "_", " ") }

// Decoded size limits: 4 MB for the KTP image, 10 MB for the consent form.
const (
	maxKTPBytes     = 4 << 20
	maxConsentBytes = 10 << 20
)

// validated is a create request that passed validation.
type validated struct {
	typeID                           int
	idNumber, fullName, email, phone string
	ktp, form                        []byte
	metadata                         *consentMetadata
}

// validate applies the rules of the consent's endpoint in declared order.
func (in *plInput) validate(consent string) (*validated, *fieldErrors) {
	errs := &fieldErrors{}
	v := &validated{}
	v.typeID = in.verificationType(errs)
	v.idNumber = in.nik(errs)
	v.fullName = in.text(errs, "full_name", 255)
	v.email = in.emailAddress(errs)
	v.phone = in.phone(errs)
	v.ktp = in.file(errs, "ktp_image", maxKTPBytes)
	if consent == "upload" {
		v.form = in.file(errs, "form_consent", maxConsentBytes)
	}
	if consent == "own" {
		v.metadata = in.consentMetadata(errs)
	}
	return v, errs
}

// required answers the value of field, adding "wajib diisi" when it is
// missing, null or empty.
func (in *plInput) required(errs *fieldErrors, field string) (any, bool) {
	v, ok := in.values[field]
	if !ok || v == nil || v == "" {
		if _, isFile := in.files[field]; isFile {
			return nil, true
		}
		errs.add(field, attr(field)+" wajib diisi.")
		return nil, false
	}
	return v, true
}

func (in *plInput) verificationType(errs *fieldErrors) int {
	const f = "verification_type_id"
	v, ok := in.required(errs, f)
	if !ok {
		return 0
	}
	n, isInt := asInteger(v)
	if !isInt {
		errs.add(f, attr(f)+" harus berupa bilangan bulat.")
		return 0
	}
	if _, known := verificationTypes[n]; !known {
		errs.add(f, attr(f)+" yang dipilih tidak valid.")
	}
	return n
}

// asInteger accepts a JSON integer or a string of digits, as Laravel's
// integer rule does.
func asInteger(v any) (int, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// str answers a required string field, adding "harus berupa string" when
// it is another JSON type.
func (in *plInput) str(errs *fieldErrors, field string) (string, bool) {
	v, ok := in.required(errs, field)
	if !ok {
		return "", false
	}
	s, isString := v.(string)
	if !isString {
		errs.add(field, attr(field)+" harus berupa string.")
	}
	return s, isString
}

func (in *plInput) nik(errs *fieldErrors) string {
	const f = "id_number"
	s, ok := in.str(errs, f)
	if !ok {
		return ""
	}
	if len(s) != 16 {
		errs.add(f, attr(f)+" harus berisi 16 karakter.")
	}
	if !allDigits(s) {
		errs.add(f, attr(f)+" harus berupa angka.")
	}
	return s
}

func (in *plInput) text(errs *fieldErrors, f string, maxLen int) string {
	s, ok := in.str(errs, f)
	if ok && len([]rune(s)) > maxLen {
		errs.add(f, attr(f)+" maksimal berisi "+strconv.Itoa(maxLen)+" karakter.")
	}
	return s
}

func (in *plInput) emailAddress(errs *fieldErrors) string {
	s, ok := in.str(errs, "email")
	if ok && !validEmail(s) {
		errs.add("email", "Format email tidak valid.")
	}
	return s
}

// phone: digits, starting with 62, 9..17 characters (USAPI's bounds; the
// Proofylink document gives none).
func (in *plInput) phone(errs *fieldErrors) string {
	const f = "phone_number"
	s, ok := in.str(errs, f)
	if !ok {
		return ""
	}
	if !allDigits(s) {
		errs.add(f, attr(f)+" harus berupa angka.")
	}
	if !strings.HasPrefix(s, "62") {
		errs.add(f, attr(f)+" harus diawali dengan 62.")
	}
	if len(s) < 9 || len(s) > 17 {
		errs.add(f, attr(f)+" harus antara 9 dan 17 karakter.")
	}
	return s
}

// file answers a file part, or a base64 string (optionally a data: URL),
// decoded, adding errors when it is neither or larger than limit bytes.
func (in *plInput) file(errs *fieldErrors, f string, limit int) []byte {
	v, ok := in.required(errs, f)
	if !ok {
		return nil
	}
	data, isFile := in.files[f]
	if !isFile {
		data, isFile = decodeBase64(v)
	}
	if !isFile {
		errs.add(f, attr(f)+" harus berupa berkas atau base64 yang valid.")
		return nil
	}
	if len(data) > limit {
		errs.add(f, attr(f)+" maksimal berukuran "+strconv.Itoa(limit>>10)+" kilobita.")
	}
	return data
}

func decodeBase64(v any) ([]byte, bool) {
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	if strings.HasPrefix(s, "data:") {
		_, s, _ = strings.Cut(s, ",")
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if data, err := enc.DecodeString(s); err == nil && len(data) > 0 {
			return data, true
		}
	}
	return nil, false
}

var metadataFields = []string{"user_agent", "ip_address", "device_type", "browser_info", "os", "timestamp"}

// consentMetadata is own-consent's object: required, with six required
// string fields. A JSON string holding the object is accepted too.
func (in *plInput) consentMetadata(errs *fieldErrors) *consentMetadata {
	const f = "consent_metadata"
	v, ok := in.required(errs, f)
	if !ok {
		return nil
	}
	obj, isObj := metadataObject(v)
	if !isObj {
		errs.add(f, attr(f)+" harus berupa array.")
		return nil
	}
	vals := make([]string, len(metadataFields))
	for i, k := range metadataFields {
		vals[i] = metadataField(errs, obj, k)
	}
	return &consentMetadata{vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]}
}

func metadataObject(v any) (map[string]any, bool) {
	if s, isString := v.(string); isString {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil || m == nil {
			return nil, false
		}
		return m, true
	}
	m, ok := v.(map[string]any)
	return m, ok
}

func metadataField(errs *fieldErrors, obj map[string]any, k string) string {
	key := "consent_metadata." + k
	name := "consent metadata." + attr(k)
	v, ok := obj[k]
	if !ok || v == nil || v == "" {
		errs.add(key, name+" wajib diisi.")
		return ""
	}
	s, isString := v.(string)
	if !isString {
		errs.add(key, name+" harus berupa string.")
	}
	return s
}
