variable "name" {
  description = "Repository name."
  type        = string
}

variable "keep_images" {
  description = "Tagged images kept by the lifecycle policy."
  type        = number
  default     = 30
}

variable "force_delete" {
  description = "Delete the repository even if it holds images (dev)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
