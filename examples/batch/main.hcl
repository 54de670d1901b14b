# An onboarding batch from a CSV export: one account and one background
# check per row. In production, cron runs
#
#   daftar apply -auto-approve -var-file=vars/prod.hcl -json
#
# (var files live outside the configuration folder's top level: every *.hcl
# there is configuration)
#
# every night after the CSV is refreshed; rows already done cost nothing.

variable "people_csv" {
  type        = string
  description = "The CSV export of the batch, relative to this directory."
  default     = "people.csv"
}

variable "usapi_key" {
  type      = string
  default   = "sandbox-usapi-key"
  sensitive = true
}

variable "proofylink_token" {
  type      = string
  default   = "sandbox-proofylink-token"
  sensitive = true
}

variable "initial_password" {
  type      = string
  default   = "Batch-Onboarding-2026"
  sensitive = true
}

provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = var.usapi_key
}

provider "proofylink" {
  endpoint   = "sandbox"
  token      = var.proofylink_token
  rate_limit = 5
}

locals {
  # One map entry per CSV row, keyed by username.
  people = { for row in csvdecode(file(var.people_csv)) : row.username => row }
}

resource "usapi_account" "person" {
  for_each = local.people

  username     = each.key
  password     = var.initial_password
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = lower(trimspace(each.value.email))
  phone_number = each.value.phone_number
  registration = "internal"
}

resource "proofylink_verification" "person" {
  for_each = local.people

  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "${each.value.first_name} ${each.value.last_name}"
  email                = usapi_account.person[each.key].email
  phone_number         = each.value.phone_number
  ktp_image            = each.value.ktp
  form_consent         = "consent/form.pdf"

  # Wait for the outcome, so that failed_checks below is complete when
  # apply ends (the sandbox decides after -verify-delay, 2 s by default).
  wait_for_result = true
}

data "proofylink_token_balance" "tokens" {}

output "registered" {
  value = length(usapi_account.person)
}

output "failed_checks" {
  description = "Checks that ended failed, with the API's reason."
  value       = { for k, v in proofylink_verification.person : k => v.failed_message if v.status == "failed" }
}

output "tokens_left_before_apply" {
  value = data.proofylink_token_balance.tokens.token
}
