package proofylink

import (
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// Type names served by the provider.
const (
	verificationType = "proofylink_verification"
	listDataType     = "proofylink_verifications"
	balanceDataType  = "proofylink_token_balance"
)

// Schema describes the provider block, the resource and the data sources.
func (p *Provider) Schema() providers.Schema {
	return providers.Schema{
		Provider:  providerBlock(),
		Resources: p.resourceBlocks(),
		DataSources: map[string]*providers.Block{
			listDataType:    verificationsDataBlock(),
			balanceDataType: balanceDataBlock(),
		},
	}
}

// resourceBlocks are the schemas of the provider's table of resource types.
func (p *Provider) resourceBlocks() map[string]*providers.Block {
	blocks := make(map[string]*providers.Block, len(p.resources))
	for name, rt := range p.resources {
		blocks[name] = rt.schema.block
	}
	return blocks
}

func providerBlock() *providers.Block {
	return &providers.Block{
		Description: "The Proofylink API: base URL and Bearer token.",
		Attributes: map[string]*providers.Attribute{
			"endpoint":     {Type: cty.String, Required: true, Transport: true, Description: `Base URL before /api/v1/external/..., or "sandbox".`},
			"token":        {Type: cty.String, Required: true, Transport: true, Sensitive: true, Description: "Proofylink integration token, sent as Authorization: Bearer."},
			"rate_limit":   {Type: cty.Number, Optional: true, Transport: true, Description: "Requests per second for this provider (read by the engine's transport)."},
			"wait_timeout": {Type: cty.String, Optional: true, Transport: true, Description: `How long apply waits for a verification with wait_for_result, or for its reports with archive_reports, as a duration ("10m", the default).`},
			"duplicate_check": {Type: cty.Bool, Optional: true, Description: "Before creating verifications, look for ones Proofylink already holds for the same person and type " +
				"(one pass over the list per plan); default true. false creates without looking."},
			"evidence_dir": {Type: cty.String, Optional: true, Description: `Where archive_reports stores the reports and analyses, relative to the configuration directory (".daftar/evidence", the default).`},
		},
	}
}

func input(t cty.Type, required bool, desc string) *providers.Attribute {
	return &providers.Attribute{Type: t, Required: required, Optional: !required, RequiresReplace: true, Description: desc}
}

func computed(t cty.Type, desc string) *providers.Attribute {
	return &providers.Attribute{Type: t, Computed: true, Description: desc}
}

// digest is a keyed digest the plan derives from an input; a change of it
// (a file's new content) is a new verification, as a change of the input.
func digest(desc string) *providers.Attribute {
	return &providers.Attribute{Type: cty.String, Computed: true, Digest: true, RequiresReplace: true, Description: desc}
}

func recordID(a *providers.Attribute) *providers.Attribute {
	a.RecordID = true
	return a
}

func verificationBlock() *providers.Block {
	nik := input(cty.String, true, "NIK (16 digits). Plans and state keep the masked form 3171********0123.")
	nik.Sensitive = true
	ktp := input(cty.String, true, "Path of the KTP photo (at most 4 MB), relative to the configuration directory.")
	form := input(cty.String, false, "Path of the signed consent form (at most 10 MB); upload consent only.")
	ktp.Upload, form.Upload = true, true
	return &providers.Block{
		Description: "One Proofylink verification. Creating it spends one token; every input change is a replacement.",
		Attributes: map[string]*providers.Attribute{
			"consent":              input(cty.String, true, `Consent method: "email", "own" or "upload".`),
			"verification_type_id": input(cty.Number, true, "Verification type, 1 to 4."),
			"id_number":            nik,
			"full_name":            input(cty.String, true, "Full name of the subject."),
			"email":                input(cty.String, true, "E-mail of the subject."),
			"phone_number":         input(cty.String, true, "Phone number starting with 62."),
			"ktp_image":            ktp,
			"form_consent":         form,
			"wait_for_result":      {Type: cty.Bool, Optional: true, Description: "Apply polls the verification until it is completed or failed."},
			"allow_repeat": {Type: cty.Bool, Optional: true, Description: "Create the verification even when Proofylink already holds one of the same person and type " +
				"(a second screening, a second token)."},
			"archive_reports": {Type: cty.Bool, Optional: true, Description: "Once the verification is completed or failed, apply archives its credit and Proofylink reports and its analysis as evidence."},

			"id_number_digest":    digest("Keyed digest of the NIK."),
			"ktp_image_sha256":    digest("Keyed digest of the KTP photo's content."),
			"form_consent_sha256": digest("Keyed digest of the consent form's content."),
			"reference_code":      recordID(computed(cty.String, "The verification's id (EMP-260211-7874).")),
			"status":              computed(cty.String, "ocr_verification, pending_consent, ..., completed or failed."),
			"consent_method":      computed(cty.String, "Consent method as the API reports it."),
			"created_at":          computed(cty.String, "Creation time as the API reports it."),
			"updated_at":          computed(cty.String, "Last status change as the API reports it."),
			"credibility_score":   computed(cty.Number, "0 to 100; null until completed."),
			"credibility_level":   computed(cty.String, "A to E; null until completed."),
			"final_decision":      computed(cty.String, "The final decision, often null."),
			"failed_message":      computed(cty.String, "Why the verification failed, if it did."),
			"evidence":            computed(evidenceType, "The archived evidence by kind (analysis, credit_report, proofylink_report): file, sha256, size, archived_at."),
		},
		Blocks: map[string]*providers.NestedBlock{
			"consent_metadata": {Block: consentMetadataBlock()},
		},
	}
}

// consentMetadataFields are the attributes of consent_metadata, in the
// document's order.
var consentMetadataFields = []string{"user_agent", "ip_address", "device_type", "browser_info", "os", "timestamp"}

func consentMetadataBlock() providers.Block {
	attrs := make(map[string]*providers.Attribute, len(consentMetadataFields))
	for _, name := range consentMetadataFields {
		attrs[name] = &providers.Attribute{Type: cty.String, Required: true, RequiresReplace: true}
	}
	return providers.Block{
		Description: "How the subject consented through your portal; own consent only.",
		Attributes:  attrs,
	}
}

// listItemType is one entry of data.proofylink_verifications.verifications.
var listItemType = cty.Object(map[string]cty.Type{
	"reference_code":         cty.String,
	"verification_type_name": cty.String,
	"status":                 cty.String,
	"customer_name":          cty.String,
	"customer_id_number":     cty.String,
	"final_decision":         cty.String,
	"created_at":             cty.String,
	"updated_at":             cty.String,
	"credibility_score":      cty.Number,
	"credibility_level":      cty.String,
})

func verificationsDataBlock() *providers.Block {
	return &providers.Block{
		Description: "Every verification the list endpoint returns for a search keyword, all pages.",
		Attributes: map[string]*providers.Attribute{
			"q":             {Type: cty.String, Optional: true, Description: "Search keyword; empty lists every verification."},
			"verifications": {Type: cty.List(listItemType), Computed: true, Description: "The verifications found."},
		},
	}
}

func balanceDataBlock() *providers.Block {
	return &providers.Block{
		Description: "The Proofylink token balance.",
		Attributes: map[string]*providers.Attribute{
			"token": {Type: cty.Number, Computed: true, Description: "Tokens left."},
		},
	}
}
