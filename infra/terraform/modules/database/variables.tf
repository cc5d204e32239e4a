variable "name" {
  description = "Name prefix, e.g. conduit-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "database_subnet_ids" {
  description = "Database subnets (at least two zones)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect (API, worker and migration tasks)."
  type        = list(string)
}

variable "engine" {
  description = "postgres (RDS, Multi-AZ instance + read replicas) or aurora-postgresql (docs/deploy-aws.md says what this changes for the app)."
  type        = string
  default     = "postgres"
  validation {
    condition     = contains(["postgres", "aurora-postgresql"], var.engine)
    error_message = "engine must be postgres or aurora-postgresql."
  }
}

variable "engine_version" {
  description = "PostgreSQL major.minor, 17.x."
  type        = string
  default     = "17.5"
  validation {
    condition     = startswith(var.engine_version, "17")
    error_message = "The application is built and tested for PostgreSQL 17 here."
  }
}

variable "instance_class" {
  description = "Class of the primary (writer)."
  type        = string
  default     = "db.m7g.large"
}

variable "replica_instance_class" {
  description = "Class of each read replica."
  type        = string
  default     = "db.m7g.large"
}

variable "replica_count" {
  description = "Read replicas (RDS: replicate_source_db of the primary; Aurora: reader instances)."
  type        = number
  default     = 1
  validation {
    condition     = var.replica_count >= 0 && var.replica_count <= 5
    error_message = "replica_count must be between 0 and 5."
  }
}

variable "multi_az" {
  description = "Standby in a second zone with automatic failover (RDS engine)."
  type        = bool
  default     = true
}

variable "allocated_storage" {
  description = "Initial gp3 storage (GiB)."
  type        = number
  default     = 50
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling (GiB)."
  type        = number
  default     = 500
}

variable "database_name" {
  description = "Database the application uses."
  type        = string
  default     = "conduit"
}

variable "owner_username" {
  description = "Master user: owns the schema, used only by the migration task."
  type        = string
  default     = "conduit_owner"
}

variable "app_username" {
  description = "Login of the API and workers (DML only), created by the bootstrap step in docs/deploy-aws.md."
  type        = string
  default     = "conduit_app"
}

variable "backup_retention_days" {
  description = "Automated backup retention (point-in-time recovery window)."
  type        = number
  default     = 7
}

variable "deletion_protection" {
  description = "Refuse to delete the database; also keeps a final snapshot and a 30-day secret recovery window."
  type        = bool
  default     = true
}

variable "enhanced_monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 = off)."
  type        = number
  default     = 60
}

variable "proxy_max_connections_percent" {
  description = "Share of the writer's max_connections RDS Proxy may open."
  type        = number
  default     = 80
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for storage, Performance Insights and the secret; null = AWS-managed keys (still encrypted)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
