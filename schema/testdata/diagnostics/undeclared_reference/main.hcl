variable "region" {}

locals {
  city = var.regoin
  code = local.cty
}

resource "usapi_account" "hire" {
  for_each = toset([local.city])
  username = each.key
}

data "prakerja_profile" "me" {
  count = length(usapi_account.hier)
}

output "email" {
  value = data.prakerja_profile.mi.email
}

output "key" {
  value = each.key
}
