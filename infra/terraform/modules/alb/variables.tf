variable "name" {
  description = "Name prefix (at most 26 characters: target group names are limited to 32)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets, one per availability zone."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener (same region as the ALB)."
  type        = string
}

variable "container_port" {
  description = "Port of the API container (SERVER_PORT in deploy/settings.yaml)."
  type        = number
}

variable "health_check_path" {
  description = "The application's readiness probe."
  type        = string
  default     = "/actuator/health/readiness"
}

variable "idle_timeout" {
  description = "Seconds an idle connection stays open. Must stay below the application's keep-alive (75 s) so that the ALB, not the instance, closes idle connections."
  type        = number
  default     = 60
  validation {
    condition     = var.idle_timeout < 75
    error_message = "idle_timeout must be below the application's 75 s keep-alive timeout."
  }
}

variable "deregistration_delay" {
  description = "Seconds a draining target keeps in-flight requests: below the app's shutdown budget and the 2-minute spot notice."
  type        = number
  default     = 30
}

variable "slow_start" {
  description = "Seconds over which a newly healthy target's share of requests ramps up (0 = off, else 30-900): a new task's JIT and local cache are cold."
  type        = number
  default     = 30

  validation {
    condition     = var.slow_start == 0 || (var.slow_start >= 30 && var.slow_start <= 900)
    error_message = "slow_start must be 0 or between 30 and 900 seconds (the ALB's range)."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer (prod)."
  type        = bool
  default     = false
}

variable "access_logs_bucket" {
  description = "S3 bucket for ALB access logs, or null for none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
