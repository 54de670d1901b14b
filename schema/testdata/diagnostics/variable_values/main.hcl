variable "nik" {
  type = string
  validation {
    condition     = can(regex("^[0-9]{16}$", var.nik))
    error_message = "A NIK is 16 digits."
  }
}

variable "port" {
  type = number
}

variable "tags" {
  type = map(string)
}
