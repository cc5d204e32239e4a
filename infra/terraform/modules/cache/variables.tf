variable "name" {
  description = "Name prefix (replication group id: at most 40 characters)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the cache nodes (the database subnets)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect (API and worker tasks)."
  type        = list(string)
}

variable "engine_version" {
  description = "Valkey version."
  type        = string
  default     = "8.0"
}

variable "node_type" {
  description = "Node type."
  type        = string
  default     = "cache.m7g.large"
}

variable "num_cache_clusters" {
  description = "Nodes: 1 primary + replicas. Two or more turn on Multi-AZ and automatic failover."
  type        = number
  default     = 2
  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 1 and 6."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key, or null for the AWS-managed one."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
