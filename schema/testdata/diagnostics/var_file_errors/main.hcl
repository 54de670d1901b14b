variable "port" {
  type = number
}

variable "people" {
  type = list(object({
    name = string
  }))
  default = []
}
