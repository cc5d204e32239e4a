variable "name" {
  description = "Name prefix, e.g. conduit-prod."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "settings_file" {
  description = "Path of deploy/settings.yaml, the single source of every container's environment."
  type        = string
}

variable "infra_values" {
  description = "Values for the settings whose `aws` value is infra:<key>. Every key the settings file names must be present; a null value leaves the variable out."
  type        = map(string)
}

variable "secret_refs" {
  description = "Secrets Manager references (ARN, optionally :json-key::) for the settings whose `aws` value is secret:<key>. A null value leaves the variable out."
  type        = map(string)
}

variable "secret_arns" {
  description = "ARNs of the secrets behind secret_refs: the only secrets the execution role may read."
  type        = list(string)
}

variable "kms_key_arns" {
  description = "Customer-managed KMS keys of those secrets, if any."
  type        = list(string)
  default     = []
}

variable "image" {
  description = "Application image, <ecr repository url>:<tag or @digest>."
  type        = string
}

variable "collector_image" {
  description = "AWS Distro for OpenTelemetry collector image (sidecar)."
  type        = string
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64 (Graviton is about 20 % cheaper; build the image for it)."
  type        = string
  default     = "X86_64"
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks."
  type        = list(string)
}

variable "api_security_group_id" {
  description = "Security group of the API tasks (ingress only from the ALB)."
  type        = string
}

variable "worker_security_group_id" {
  description = "Security group of the worker and migration tasks (no ingress)."
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group of the API service."
  type        = string
}

variable "alb_resource_label" {
  description = "app/<alb>/<id>/targetgroup/<tg>/<id>: the ALBRequestCountPerTarget resource label."
  type        = string
}

variable "container_insights" {
  description = "Container Insights mode of the cluster: enhanced, enabled or disabled. The worker autoscaling reads its RunningTaskCount."
  type        = string
  default     = "enabled"
  validation {
    condition     = contains(["enhanced", "enabled"], var.container_insights)
    error_message = "Container Insights must be on: the worker scaling policy divides by its RunningTaskCount."
  }
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL. Above the app's drain (15 s) plus its shutdown timeout (30 s); at most 120 on Fargate."
  type        = number
  default     = 90
  validation {
    condition     = var.stop_timeout > 45 && var.stop_timeout <= 120
    error_message = "stop_timeout must exceed CONDUIT_SHUTDOWN_DRAIN + CONDUIT_SHUTDOWN_TIMEOUT (45 s) and be at most 120."
  }
}

variable "api_cpu" {
  description = "CPU units of an API task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "api_memory" {
  description = "Memory (MiB) of an API task; the JVM takes 75 % (MaxRAMPercentage in the image)."
  type        = number
  default     = 2048
}

variable "api_min_count" {
  description = "Fewest API tasks (also the on-demand base)."
  type        = number
  default     = 2
}

variable "api_max_count" {
  description = "Most API tasks: a cost guardrail, and the bound of the database pool budget."
  type        = number
  default     = 10
}

variable "api_cpu_target" {
  description = "Target average CPU utilisation (%) of the API service."
  type        = number
  default     = 60
}

variable "api_requests_per_target" {
  description = "Target ALB requests per API task per minute."
  type        = number
  default     = 3000
}

variable "worker_cpu" {
  description = "CPU units of a worker task."
  type        = number
  default     = 512
}

variable "worker_memory" {
  description = "Memory (MiB) of a worker task."
  type        = number
  default     = 1024
}

variable "worker_min_count" {
  description = "Fewest worker tasks."
  type        = number
  default     = 1
}

variable "worker_max_count" {
  description = "Most worker tasks (cost guardrail)."
  type        = number
  default     = 6
}

variable "worker_on_demand_base" {
  description = "Worker tasks kept on on-demand FARGATE; the rest run on FARGATE_SPOT."
  type        = number
  default     = 0
}

variable "worker_backlog_per_task" {
  description = "Target events waiting per running worker."
  type        = number
  default     = 500
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application metrics."
  type        = string
  default     = "ConduitScale"
}

variable "exported_metrics" {
  description = "Prometheus metric names (regular expressions) the collector sends to CloudWatch. Every metric costs money: keep the list short."
  type        = list(string)
  default = [
    "conduit_events_consumer_backlog",
    "conduit_events_outbox_backlog",
    "conduit_events_outbox_parked",
    "conduit_events_dead_lettered_total",
    "conduit_events_publish_failures_total",
    "conduit_cache_redis_enabled",
    "hikaricp_connections_pending",
    "conduit_password_hash_rejected_total",
    "conduit_ratelimit_rejected_total",
  ]
}

variable "tracing_enabled" {
  description = "Send traces to X-Ray (OpenTelemetry agent in the image + the collector's OTLP receiver)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the application log groups."
  type        = number
  default     = 30
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into running tasks (break-glass)."
  type        = bool
  default     = false
}

variable "sqs_queue_arn" {
  description = "The events FIFO queue, or null when Kafka is the transport."
  type        = string
  default     = null
}

variable "msk_cluster_arn" {
  description = "The MSK Serverless cluster, or null when SQS is the transport."
  type        = string
  default     = null
}

variable "msk_topic_arns" {
  description = "ARNs of the events and dead-letter topics."
  type        = list(string)
  default     = []
}

variable "msk_group_arns" {
  description = "ARNs of the workers' consumer group."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
