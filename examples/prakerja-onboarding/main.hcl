# Prakerja participants sign in with their Prakerja account; their profile
# (read with the access token the OAuth flow gave) becomes a USAPI account.
# In the sandbox, any access token starting with sbx- is valid and yields a
# profile derived from the token.

variable "access_tokens" {
  type        = map(string)
  description = "Prakerja access tokens by participant, from the OAuth flow."
  sensitive   = true
  default = {
    citra = "sbx-citra"
    eko   = "sbx-eko"
  }
}

variable "initial_password" {
  type      = string
  default   = "Kartu-Prakerja-2026"
  sensitive = true
}

provider "prakerja" {
  endpoint    = "sandbox"
  client_code = "sandbox-client"
}

provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}

data "prakerja_profile" "participant" {
  for_each     = toset(["citra", "eko"])
  access_token = var.access_tokens[each.key]
}

resource "usapi_account" "participant" {
  for_each = data.prakerja_profile.participant

  username     = "prakerja-${each.key}"
  password     = var.initial_password
  first_name   = split(" ", each.value.name)[0]
  last_name    = try(split(" ", each.value.name)[1], "Prakerja")
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}

output "accounts" {
  value = { for k, a in usapi_account.participant : k => a.email }
}
