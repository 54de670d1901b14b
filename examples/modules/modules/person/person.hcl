# One person: a USAPI account, a Proofylink verification of the same
# e-mail, and the person's Prakerja profile.

variable "username" {
  type = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9.]*$", var.username))
    error_message = "A username is lower-case letters, digits and dots."
  }
}

variable "person" {
  type = object({
    first_name   = string
    last_name    = string
    email        = string
    phone_number = string
    nik          = string
  })
}

variable "password" {
  type      = string
  sensitive = true
}

variable "ktp" {
  type        = string
  description = "The path of the KTP photo, relative to the root configuration."
}

variable "consent" {
  type    = string
  default = "own"
}

locals {
  full_name = "${var.person.first_name} ${var.person.last_name}"
}

resource "usapi_account" "this" {
  username     = var.username
  password     = var.password
  first_name   = var.person.first_name
  last_name    = var.person.last_name
  email        = lower(var.person.email)
  phone_number = var.person.phone_number
  registration = "internal"
}

resource "proofylink_verification" "this" {
  consent              = var.consent
  verification_type_id = 1
  id_number            = var.person.nik
  full_name            = local.full_name
  email                = usapi_account.this.email
  phone_number         = var.person.phone_number
  ktp_image            = var.ktp

  consent_metadata {
    user_agent   = "Mozilla/5.0"
    ip_address   = "203.0.113.10"
    device_type  = "desktop"
    browser_info = "Firefox 133"
    os           = "Linux"
    timestamp    = "2026-11-01T09:00:00+07:00"
  }
}

data "prakerja_profile" "this" {
  access_token = "sbx-${var.username}"
}

output "email" {
  value = usapi_account.this.email
}

output "reference_code" {
  value = proofylink_verification.this.reference_code
}

output "prakerja_id" {
  value = data.prakerja_profile.this.no_prakerja
}
