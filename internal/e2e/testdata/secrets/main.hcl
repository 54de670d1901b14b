variable "usapi_key" {
  type      = string
  default   = "sandbox-usapi-key"
  sensitive = true
}

variable "proofylink_token" {
  type      = string
  default   = "sandbox-proofylink-token"
  sensitive = true
}

variable "password" {
  type      = string
  default   = "Rahasia-Sekali-2026!"
  sensitive = true
}

variable "access_token" {
  type      = string
  default   = "sbx-citra-dewi"
  sensitive = true
}

variable "surname" {
  type      = string
  default   = "Kerahasiaan"
  sensitive = true
}

variable "extra_nik" {
  type      = string
  default   = ""
  sensitive = true
}

provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = var.usapi_key
}

provider "proofylink" {
  endpoint = "sandbox"
  token    = var.proofylink_token
}

provider "prakerja" {
  endpoint    = "sandbox"
  client_code = "sandbox-client"
}

data "prakerja_profile" "citra" {
  access_token = var.access_token
}

resource "usapi_account" "ani" {
  username     = "ani"
  password     = var.password
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "ani.lestari@example.id"
  phone_number = "6281234567801"

  basic_profile {
    date_of_birth = "1996-04-15"
    gender        = "Perempuan"
    phone_number  = "6281234567801"
    profile_img   = "photos/ani.jpg"
  }
}

resource "usapi_account" "budi" {
  username     = "budi"
  password     = var.password
  first_name   = "Budi"
  last_name    = "Santoso"
  email        = "budi.santoso@example.id"
  phone_number = "6281234567802"
  registration = "internal"
}

resource "usapi_account" "citra" {
  username     = "citra"
  password     = var.password
  first_name   = split(" ", data.prakerja_profile.citra.name)[0]
  last_name    = var.surname
  email        = data.prakerja_profile.citra.email
  phone_number = data.prakerja_profile.citra.phone_number
  registration = "internal"
}

resource "proofylink_verification" "ani" {
  consent              = "own"
  verification_type_id = 1
  id_number            = "3171015504960001"
  full_name            = "Ani Lestari"
  email                = usapi_account.ani.email
  phone_number         = "6281234567801"
  ktp_image            = "ktp/ani.jpg"
  wait_for_result      = true
  archive_reports      = true # the evidence files are scanned too

  consent_metadata {
    user_agent   = "Mozilla/5.0"
    ip_address   = "203.0.113.10"
    device_type  = "desktop"
    browser_info = "Firefox 133"
    os           = "Linux"
    timestamp    = "2026-11-01T09:00:00+07:00"
  }
}

resource "proofylink_verification" "budi" {
  consent              = "upload"
  verification_type_id = 1
  id_number            = "3171011208900000"
  full_name            = "Budi Santoso"
  email                = usapi_account.budi.email
  phone_number         = "6281234567802"
  ktp_image            = "ktp/budi.jpg"
  form_consent         = "consent/budi.pdf"
  wait_for_result      = true
  archive_reports      = true
}

resource "proofylink_verification" "extra" {
  count                = var.extra_nik == "" ? 0 : 1
  consent              = "upload"
  verification_type_id = 1
  id_number            = var.extra_nik
  full_name            = "Extra Person"
  email                = "extra@example.id"
  phone_number         = "6281234567809"
  ktp_image            = "ktp/budi.jpg"
  form_consent         = "consent/budi.pdf"
}

output "password" {
  value     = var.password
  sensitive = true
}

output "credibility" {
  value = { for k, v in { ani = proofylink_verification.ani, budi = proofylink_verification.budi } : k => "${v.status} ${coalesce(v.credibility_level, "-")}" }
}
