resource "usapi_account" "ani" {
  username = "ani
}
