variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-east-1"
}

variable "image_tag" {
  description = "Application image tag to deploy (a git SHA pushed to the stack's ECR repository)."
  type        = string
}

variable "public_base_url" {
  description = "Public https URL of the API."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate of that host, in var.region."
  type        = string
}

variable "alarm_emails" {
  description = "Alarm and budget recipients."
  type        = list(string)
  default     = []
}

variable "cognito_domain_prefix" {
  description = "Globally unique Cognito hosted UI prefix."
  type        = string
}

variable "cognito_callback_urls" {
  description = "OAuth redirect URLs of the web client."
  type        = list(string)
  default     = []
}

variable "events_transport" {
  description = "sqs or kafka."
  type        = string
  default     = "sqs"
}

variable "database_engine" {
  description = "postgres or aurora-postgresql."
  type        = string
  default     = "postgres"
}

variable "jwt_rotation_in_progress" {
  description = "True during a signing-key rotation (docs/deploy-aws.md)."
  type        = bool
  default     = false
}
