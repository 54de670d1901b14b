variable "usapi_key" {
  type      = string
  sensitive = true
}
