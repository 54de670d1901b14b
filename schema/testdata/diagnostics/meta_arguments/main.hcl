resource "usapi_account" "a" {
  depends_on = [var.x, data.prakerja_profile.me]
  lifecycle {
    ignore_changes = ["email"]
  }
}

data "prakerja_profile" "me" {
  lifecycle {
    ignore_changes = all
  }
}

resource "usapi_account" "1bad" {}
