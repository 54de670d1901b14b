# One person = one module instance: an account, a verification that uses
# the account's e-mail, and a Prakerja profile read. The root calls the
# module once per row of people.csv.
#
#   daftar -chdir=examples/modules plan
#
# Addresses carry the module instance: module.hire["ani"].usapi_account.this.

variable "endpoint" {
  type        = string
  description = "\"sandbox\" for the embedded sandbox, or the base URL of a daftar sandbox (http://127.0.0.1:8787)."
  default     = "sandbox"
}

variable "initial_password" {
  type      = string
  default   = "Selamat-Datang-2026"
  sensitive = true
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
  url    = var.endpoint == "sandbox" ? null : var.endpoint
}

# Modules use these provider configurations: a provider block inside a
# module is an error.
provider "usapi" {
  endpoint   = local.url == null ? "sandbox" : "${local.url}/usapi"
  basic_auth = "sandbox-usapi-key"
}

provider "proofylink" {
  endpoint = local.url == null ? "sandbox" : "${local.url}/proofylink"
  token    = "sandbox-proofylink-token"
}

provider "prakerja" {
  endpoint    = local.url == null ? "sandbox" : "${local.url}/prakerja"
  client_code = "sandbox-client"
}

module "hire" {
  source   = "./modules/person"
  for_each = local.people

  username = each.key
  person   = each.value
  password = var.initial_password
  ktp      = "ktp/${each.key}.jpg"
}

output "emails" {
  value = { for k, m in module.hire : k => m.email }
}

output "ani_reference" {
  value = module.hire["ani"].reference_code
}
