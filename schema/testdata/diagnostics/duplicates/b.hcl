variable "region" {
  default = "bandung"
}

resource "usapi_account" "ani" {
  username = "ani2"
}

provider "usapi" {}
provider "usapi" {}
