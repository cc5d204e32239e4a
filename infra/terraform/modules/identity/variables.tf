variable "name" {
  description = "Name of the user pool."
  type        = string
}

variable "domain_prefix" {
  description = "Prefix of the hosted UI domain (<prefix>.auth.<region>.amazoncognito.com), globally unique."
  type        = string
}

variable "callback_urls" {
  description = "Allowed OAuth redirect URLs of the web client."
  type        = list(string)
}

variable "logout_urls" {
  description = "Allowed sign-out URLs."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
