variable "count" {
  type    = number
  default = "many"
}

locals {
  prefix = "hire"
  target = var.regon
}

resource "usapi_account" "hire" {
  count    = 2
  for_each = toset(["ani"])
  username = "${local.prefx}-${count.index}"
}

resource "proofylink_verification" "check" {
  provider   = proofylink
  depends_on = [usapi_account.hire.username]
}

output "names" {
  value = usapi_acount.hire[*].username
}
