variable "name" {
  description = "Name prefix (and the Stack tag value the budget filters on)."
  type        = string
}

variable "region" {
  description = "AWS region of the dashboard's metrics."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alarm topic (each confirms by email)."
  type        = list(string)
  default     = []
}

variable "availability_objective" {
  description = "Share of requests answered without a 5xx over 30 days (docs/slo.md)."
  type        = number
  default     = 0.999
}

variable "latency_objective" {
  description = "Share of requests answered within latency_threshold_seconds over 30 days (docs/slo.md)."
  type        = number
  default     = 0.99
}

variable "latency_threshold_seconds" {
  description = "Latency threshold of the latency SLO, as seen by the ALB (TargetResponseTime)."
  type        = number
  default     = 0.5
}

variable "alb_arn_suffix" {
  description = "CloudWatch LoadBalancer dimension."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "CloudWatch TargetGroup dimension."
  type        = string
}

variable "writer_identifier" {
  description = "Writer instance identifier."
  type        = string
}

variable "replica_identifiers" {
  description = "Reader instance identifiers: one lag alarm each."
  type        = list(string)
}

variable "aurora" {
  description = "Aurora engine (AuroraReplicaLag in ms instead of ReplicaLag in s)."
  type        = bool
  default     = false
}

variable "replica_lag_threshold_seconds" {
  description = "Replica lag that raises an alarm when sustained for 5 minutes."
  type        = number
  default     = 10
}

variable "cache_replication_group_id" {
  description = "ElastiCache replication group."
  type        = string
}

variable "dead_letter_queue_name" {
  description = "SQS dead-letter queue, or null with Kafka."
  type        = string
  default     = null
}

variable "max_receive_count" {
  description = "Redrive maxReceiveCount, for the alarm text."
  type        = number
  default     = 5
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application metrics."
  type        = string
  default     = "ConduitScale"
}

variable "backlog_alarm_threshold" {
  description = "Event backlog that raises an alarm when sustained for 15 minutes."
  type        = number
  default     = 10000
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget: alert at 80 % actual and 100 % forecast."
  type        = number
}

variable "budget_filter_by_stack_tag" {
  description = "Count only resources tagged Stack=<name> (needs the tag activated for cost allocation); false = the whole account."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
