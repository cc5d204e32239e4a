variable "name" {
  description = "Stack name and resource prefix, e.g. conduit-prod (at most 26 characters)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,25}$", var.name))
    error_message = "name: 3-26 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "settings_file" {
  description = "Path of deploy/settings.yaml."
  type        = string
}

variable "image_tag" {
  description = "Tag of the application image in the stack's ECR repository (immutable: a git SHA)."
  type        = string
}

variable "public_base_url" {
  description = "Public https URL of the API (CONDUIT_JWT_ISSUER), e.g. https://api.example.com."
  type        = string
  validation {
    condition     = startswith(var.public_base_url, "https://")
    error_message = "public_base_url must be an https URL."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for public_base_url's host."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the database, load balancer and user pool from deletion (prod)."
  type        = bool
}

variable "tags" {
  description = "Tags of every resource (Stack = name is added)."
  type        = map(string)
  default     = {}
}

# ---- network ----

variable "vpc_cidr" {
  description = "VPC CIDR (/16)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability zones."
  type        = number
  default     = 3
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per zone."
  type        = bool
}

variable "vpc_interface_endpoints" {
  description = "Interface VPC endpoints (service suffixes); [] sends that traffic through the NAT gateway(s)."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "secretsmanager", "logs"]
}

variable "alb_access_logs_bucket" {
  description = "S3 bucket for ALB access logs, or null."
  type        = string
  default     = null
}

# ---- compute ----

variable "cpu_architecture" {
  description = "X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "api_cpu" {
  description = "CPU units per API task."
  type        = number
}

variable "api_memory" {
  description = "MiB per API task."
  type        = number
}

variable "api_min_count" {
  description = "Fewest API tasks."
  type        = number
}

variable "api_max_count" {
  description = "Most API tasks."
  type        = number
}

variable "worker_cpu" {
  description = "CPU units per worker task."
  type        = number
}

variable "worker_memory" {
  description = "MiB per worker task."
  type        = number
}

variable "worker_min_count" {
  description = "Fewest worker tasks."
  type        = number
}

variable "worker_max_count" {
  description = "Most worker tasks."
  type        = number
}

variable "worker_on_demand_base" {
  description = "Worker tasks on on-demand FARGATE; the rest on FARGATE_SPOT."
  type        = number
  default     = 0
}

variable "worker_backlog_per_task" {
  description = "Target waiting events per running worker."
  type        = number
  default     = 500
}

variable "api_db_pool_max_size" {
  description = "CONDUIT_DB_POOL_MAX_SIZE of an API task."
  type        = number
  default     = 10
}

variable "worker_db_pool_max_size" {
  description = "CONDUIT_DB_POOL_MAX_SIZE of a worker task."
  type        = number
  default     = 5
}

variable "database_max_client_connections" {
  description = "Connections all task pools together may hold at the services' maxima (checked by `check \"pool_budget\"`)."
  type        = number
  default     = 400
}

# ---- data ----

variable "database_engine" {
  description = "postgres or aurora-postgresql."
  type        = string
  default     = "postgres"
}

variable "database_instance_class" {
  description = "Writer instance class."
  type        = string
}

variable "database_replica_instance_class" {
  description = "Reader instance class."
  type        = string
}

variable "database_replica_count" {
  description = "Read replicas."
  type        = number
}

variable "database_multi_az" {
  description = "Multi-AZ standby for the writer."
  type        = bool
}

variable "database_backup_retention_days" {
  description = "Backup retention."
  type        = number
  default     = 7
}

variable "aurora_reader_routing" {
  description = "With Aurora, pass the readers' proxy endpoint as CONDUIT_DB_REPLICA_URLS (only once the application's consistency routing supports aurora_replica_status())."
  type        = bool
  default     = false
}

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "cache_nodes" {
  description = "ElastiCache nodes (2+ = Multi-AZ with failover)."
  type        = number
}

variable "events_transport" {
  description = "sqs (FIFO + DLQ) or kafka (MSK Serverless, IAM)."
  type        = string
  default     = "sqs"
}

# ---- identity ----

variable "cognito_enabled" {
  description = "Create a Cognito user pool and trust it as an external OIDC issuer."
  type        = bool
  default     = true
}

variable "cognito_domain_prefix" {
  description = "Hosted UI domain prefix (globally unique)."
  type        = string
  default     = null
}

variable "cognito_callback_urls" {
  description = "OAuth redirect URLs of the web client."
  type        = list(string)
  default     = []
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to call the API."
  type        = list(string)
  default     = []
}

variable "jwt_rotation_in_progress" {
  description = "Pass the verification-keys secret to the API (signing-key rotation, docs/deploy-aws.md)."
  type        = bool
  default     = false
}

# ---- observability and cost ----

variable "tracing_enabled" {
  description = "Traces to X-Ray through the OpenTelemetry agent and the collector sidecar."
  type        = bool
  default     = true
}

variable "trace_sampling_ratio" {
  description = "Share of root requests traced."
  type        = number
  default     = 0.05
}

variable "log_retention_days" {
  description = "Application log retention."
  type        = number
  default     = 30
}

variable "alarm_emails" {
  description = "Who receives alarms and budget alerts."
  type        = list(string)
  default     = []
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget of the stack."
  type        = number
}
