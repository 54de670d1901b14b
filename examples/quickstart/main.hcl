# The quickstart: two new hires get a USAPI account and a Proofylink
# background check, on the sandbox that daftar runs in its own process.
#
#   go run . -chdir=examples/quickstart apply -auto-approve
#
# Then change a name below and run plan again to see a replacement.

variable "usapi_key" {
  type        = string
  description = "The USAPI Basic auth key (the sandbox accepts sandbox-usapi-key)."
  default     = "sandbox-usapi-key"
  sensitive   = true
}

variable "proofylink_token" {
  type        = string
  description = "The Proofylink Bearer token (the sandbox accepts sandbox-proofylink-token)."
  default     = "sandbox-proofylink-token"
  sensitive   = true
}

variable "initial_password" {
  type        = string
  description = "Every new account's first password; daftar stores only a keyed digest of it."
  default     = "Selamat-Datang-2026"
  sensitive   = true
}

provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = var.usapi_key
  rate_limit = 10
}

provider "proofylink" {
  endpoint   = "sandbox"
  token      = var.proofylink_token
  rate_limit = 5
}

locals {
  hires = {
    ani = {
      first_name    = "Ani"
      last_name     = "Lestari"
      email         = "ani.lestari@example.id"
      phone_number  = "6281234567801"
      nik           = "3171015504960001" # born 15 April 1996: a woman's day is +40
      gender        = "Perempuan"
      date_of_birth = "1996-04-15"
    }
    budi = {
      first_name    = "Budi"
      last_name     = "Santoso"
      email         = "budi.santoso@example.id"
      phone_number  = "6281234567802"
      nik           = "3171011208900002" # born 12 August 1990
      gender        = "Laki-Laki"
      date_of_birth = "1990-08-12"
    }
  }
}

resource "usapi_account" "hire" {
  for_each = local.hires

  username     = each.key
  password     = var.initial_password
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "signup"
  mode         = "OTP"
  platform     = "ONMART"

  basic_profile {
    date_of_birth = each.value.date_of_birth
    gender        = each.value.gender
    phone_number  = each.value.phone_number
  }
}

resource "proofylink_verification" "check" {
  for_each = local.hires

  consent              = "own"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "${each.value.first_name} ${each.value.last_name}"
  email                = usapi_account.hire[each.key].email
  phone_number         = each.value.phone_number
  ktp_image            = "ktp/${each.key}.jpg"

  consent_metadata {
    user_agent   = "Mozilla/5.0"
    ip_address   = "203.0.113.10"
    device_type  = "desktop"
    browser_info = "Firefox 133"
    os           = "Linux"
    timestamp    = "2026-11-01T09:00:00+07:00"
  }

  wait_for_result = true
}

output "accounts" {
  value = sort([for a in usapi_account.hire : a.username])
}

output "credibility" {
  value = { for k, v in proofylink_verification.check : k => "${v.reference_code}: ${v.status} (${coalesce(v.credibility_level, "-")})" }
}
