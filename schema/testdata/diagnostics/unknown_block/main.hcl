resourse "usapi_account" "ani" {
  username = "ani"
}

varible "region" {}
