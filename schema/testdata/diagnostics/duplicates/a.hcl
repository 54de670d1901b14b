variable "region" {
  default = "jakarta"
}

resource "usapi_account" "ani" {
  username = "ani"
}
