variable "name" {
  description = "Name prefix of every resource, e.g. conduit-prod."
  type        = string
}

variable "region" {
  description = "AWS region, for the endpoint service names."
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC (a /16 is carved into /20 subnets)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability zones to spread the subnets over."
  type        = number
  default     = 3
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4 (RDS and ALB need two zones at least)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheap, dev) instead of one per zone (HA, prod)."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints (service suffixes). S3 is always a gateway endpoint."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "secretsmanager", "logs"]
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
