package proofylink

import (
	"encoding/json"
	"fmt"
)

// created is the data of a create's 201.
type created struct {
	ReferenceCode flexString `json:"reference_code"`
	Status        flexString `json:"status"`
	ConsentMethod flexString `json:"consent_method"`
	CreatedAt     flexString `json:"created_at"`
}

// record is a verification as the detail (data.verification) and the list
// (data[i]) show it; each shows some of the fields.
type record struct {
	ReferenceCode        flexString `json:"reference_code"`
	VerificationTypeName flexString `json:"verification_type_name"`
	Status               flexString `json:"status"`
	CreatedAt            flexString `json:"created_at"`
	UpdatedAt            flexString `json:"updated_at"`
	FailedMessage        flexString `json:"failed_message"`
	CredibilityScore     flexNumber `json:"credibility_score"`
	CredibilityLevel     flexString `json:"credibility_level"`
	FinalDecision        flexString `json:"final_decision"`
	// List only.
	CustomerName     flexString `json:"customer_name"`
	CustomerIDNumber flexString `json:"customer_id_number"`
}

// customer is data.customer of the detail. Its id_number is the NIK in
// clear: it is compared, never stored or shown.
type customer struct {
	Name     flexString `json:"name"`
	Phone    flexString `json:"phone"`
	IDNumber flexString `json:"id_number"`
}

// detail is the data of GET /verifications/:reference_code.
type detail struct {
	Verification *record  `json:"verification"`
	Customer     customer `json:"customer"`
	// Analysis is kept as received, to be archived as evidence.
	Analysis json.RawMessage `json:"analysis"`
}

func decodeCreated(env *envelope) (*created, error) {
	var c created
	if err := decodeJSON(env.Data, &c); err != nil {
		return nil, fmt.Errorf("reading data: %w", err)
	}
	if c.ReferenceCode.str() == "" {
		return nil, fmt.Errorf("data has no reference_code")
	}
	return &c, nil
}

// decodeDetail reads a detail's data; a flat data (the verification's
// fields without the "verification" wrapper) is read too.
func decodeDetail(env *envelope) (*detail, error) {
	var d detail
	if err := decodeJSON(env.Data, &d); err != nil {
		return nil, fmt.Errorf("reading data: %w", err)
	}
	if d.Verification == nil {
		var flat record
		if err := json.Unmarshal(env.Data, &flat); err != nil {
			return nil, fmt.Errorf("reading data: %w", err)
		}
		d.Verification = &flat
	}
	if d.Verification.ReferenceCode.str() == "" {
		return nil, fmt.Errorf("data has no reference_code")
	}
	return &d, nil
}

func decodeList(env *envelope) ([]record, error) {
	var items []record
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return nil, nil
	}
	if err := json.Unmarshal(env.Data, &items); err != nil {
		return nil, fmt.Errorf("reading data: %w", err)
	}
	return items, nil
}
