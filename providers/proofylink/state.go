package proofylink

import (
	"github.com/zclconf/go-cty/cty"
)

// verificationStateType is the type of a proofylink_verification value.
var verificationStateType = verificationBlock().ImpliedType()

// inputNames are the user's inputs, stored as planned (id_number masked).
var inputNames = []string{
	"consent", "verification_type_id", "id_number", "full_name", "email", "phone_number",
	"ktp_image", "form_consent", "consent_metadata", "wait_for_result", "allow_repeat", "archive_reports",
}

// digestNames are the computed digests of write-only values; the plan
// sets them, the apply confirms them.
var digestNames = []string{"id_number_digest", "ktp_image_sha256", "form_consent_sha256"}

// remoteNames are the computed values the API sets.
var remoteNames = []string{
	"reference_code", "status", "consent_method", "created_at", "updated_at",
	"credibility_score", "credibility_level", "final_decision", "failed_message", "evidence",
}

// stateMap is a verification value under construction.
type stateMap map[string]cty.Value

// newStateMap starts from v's attributes (all null when v is null).
func newStateMap(v cty.Value) stateMap {
	m := make(stateMap, len(verificationStateType.AttributeTypes()))
	for name, t := range verificationStateType.AttributeTypes() {
		m[name] = cty.NullVal(t)
		if known(v) && v.Type().HasAttribute(name) {
			m[name] = v.GetAttr(name)
		}
	}
	return m
}

func (m stateMap) value() cty.Value { return cty.ObjectVal(m) }

// unknownRemote marks every value the API sets as known after apply.
func (m stateMap) unknownRemote() {
	for _, name := range remoteNames {
		m[name] = cty.UnknownVal(verificationStateType.AttributeType(name))
	}
}

// copyRemote takes the API-set values from prior.
func (m stateMap) copyRemote(prior cty.Value) {
	for _, name := range remoteNames {
		m[name] = prior.GetAttr(name)
	}
}

// setCreated records a create's 201.
func (m stateMap) setCreated(c *created) {
	for _, name := range remoteNames {
		m[name] = cty.NullVal(verificationStateType.AttributeType(name))
	}
	m["reference_code"] = apiStr(c.ReferenceCode)
	m["status"] = apiStr(c.Status)
	m["consent_method"] = apiStr(c.ConsentMethod)
	m["created_at"] = apiStr(c.CreatedAt)
}

// setRecord records what the detail or the list shows; a field the answer
// leaves empty keeps its value where it cannot be cleared by the API
// (reference_code, created_at).
func (m stateMap) setRecord(r *record) {
	if r.ReferenceCode.str() != "" {
		m["reference_code"] = apiStr(r.ReferenceCode)
	}
	if r.CreatedAt.str() != "" {
		m["created_at"] = apiStr(r.CreatedAt)
	}
	m["status"] = apiStr(r.Status)
	m["updated_at"] = apiStr(r.UpdatedAt)
	m["credibility_score"] = numVal(r.CredibilityScore.v)
	m["credibility_level"] = apiStr(r.CredibilityLevel)
	m["final_decision"] = apiStr(r.FinalDecision)
	m["failed_message"] = apiStr(r.FailedMessage)
}

// finalStatus reports a status after which a verification never changes.
func finalStatus(status string) bool {
	return status == "completed" || status == "failed"
}

// apiStr is a string the API answered, null when it gave none, with any
// 16-digit run masked (a message may echo a NIK).
func apiStr(f flexString) cty.Value {
	if f.v == nil {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(redact(*f.v))
}
