package proofylink

import (
	"github.com/zclconf/go-cty/cty"
)

// verification is the schema of proofylink_verification and the lists
// derived from it: inputs (stored as planned, id_number masked), digests
// (the plan sets them, the apply confirms them) and the values the API
// sets.
var verification = newResourceSchema(verificationBlock())

// stateMap is a verification value under construction.
type stateMap map[string]cty.Value

// newStateMap starts from v's attributes (all null when v is null).
func newStateMap(v cty.Value) stateMap {
	m := make(stateMap, len(verification.ty.AttributeTypes()))
	for name, t := range verification.ty.AttributeTypes() {
		m[name] = cty.NullVal(t)
		if known(v) && v.Type().HasAttribute(name) {
			m[name] = v.GetAttr(name)
		}
	}
	return m
}

func (m stateMap) value() cty.Value { return cty.ObjectVal(m) }

// valueOr is m's value, or prior itself when m holds exactly prior's
// values (the same type, every attribute raw-equal): an unchanged
// verification's plan, or a refresh that found nothing new, answers the
// object it was given rather than building an equal one (an object of
// two dozen attributes per verification planned in full). The prior a
// provider is given is unmarked (marks.Unmarked): a recorded
// verification, whose NIK is marked sensitive, is itself a copy the
// engine marks again, so this saves the building, not what the plan
// holds.
func (m stateMap) valueOr(prior cty.Value) cty.Value {
	if prior.IsNull() || !prior.IsKnown() || prior.IsMarked() || !prior.Type().Equals(verification.ty) {
		return m.value()
	}
	for name, v := range m {
		if !v.RawEquals(prior.GetAttr(name)) {
			return m.value()
		}
	}
	return prior
}

// unknownRemote marks every value the API sets as known after apply.
func (m stateMap) unknownRemote() {
	for _, name := range verification.remote {
		m[name] = cty.UnknownVal(verification.ty.AttributeType(name))
	}
}

// copyRemote takes the API-set values from prior.
func (m stateMap) copyRemote(prior cty.Value) {
	for _, name := range verification.remote {
		m[name] = prior.GetAttr(name)
	}
}

// setCreated records a create's 201.
func (m stateMap) setCreated(c *created) {
	for _, name := range verification.remote {
		m[name] = cty.NullVal(verification.ty.AttributeType(name))
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
