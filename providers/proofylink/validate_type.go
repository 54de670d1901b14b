package proofylink

import (
	"net"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// validateType checks verification_type_id: a whole number 1 to 4. The
// upload-consent document lists only 1 and 2, the others 1 to 4: upload
// with 3 or 4 is accepted with a warning.
func validateType(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	v := attr(cfg, "verification_type_id")
	if !known(v) {
		return nil
	}
	id, whole := intAttr(cfg, "verification_type_id")
	if !whole || id < 1 || id > 4 {
		return diags.Errorf(path("verification_type_id"), "Invalid verification type",
			"verification_type_id is a whole number from 1 to 4: 1 Rekrutment/Screening Karyawan, 2 Screening Sewa Mobil/Motor, "+
				"3 Verifikasi Calon Pelanggan/Mitra, 4 Screening Tenant (Kos/Kontrakan).")
	}
	if consent, _ := check(cfg, "consent"); consent == consentUpload && id > 2 {
		diags = diags.Warnf(path("verification_type_id"), "Verification type not listed for upload consent",
			"The upload-consent document lists only types 1 and 2, the other consent methods 1 to 4. daftar sends type %d; "+
				"if the API refuses it, choose 1 or 2 or another consent method.", id)
	}
	return diags
}

// validateMetadata checks the consent_metadata fields that have a format:
// ip_address (an error when it is not an IP address) and timestamp (a
// warning when it is not RFC 3339 like the document's example).
func validateMetadata(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	meta := attr(cfg, "consent_metadata")
	if !known(meta) {
		return nil
	}
	metaPath := func(name string) cty.Path { return path("consent_metadata").GetAttr(name) }
	for _, name := range consentMetadataFields {
		if s, ok := check(meta, name); ok && strings.TrimSpace(s) == "" {
			diags = diags.Errorf(metaPath(name), "Empty consent metadata", "consent_metadata.%s must not be empty.", name)
		}
	}
	if ip, ok := check(meta, "ip_address"); ok && ip != "" && net.ParseIP(ip) == nil {
		diags = diags.Errorf(metaPath("ip_address"), "Invalid IP address",
			"consent_metadata.ip_address %q is not an IPv4 or IPv6 address such as 192.168.1.1.", ip)
	}
	if ts, ok := check(meta, "timestamp"); ok && ts != "" {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			diags = diags.Warnf(metaPath("timestamp"), "Unusual consent timestamp",
				"consent_metadata.timestamp %q is not written like the document's example 2026-03-06T16:00:00+08:00 (RFC 3339); the API may refuse it.", ts)
		}
	}
	return diags
}
