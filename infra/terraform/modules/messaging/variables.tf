variable "name" {
  description = "Name prefix."
  type        = string
}

variable "transport" {
  description = "sqs (FIFO queue + DLQ, default) or kafka (MSK Serverless with IAM)."
  type        = string
  default     = "sqs"
  validation {
    condition     = contains(["sqs", "kafka"], var.transport)
    error_message = "transport must be sqs or kafka."
  }
}

variable "max_receive_count" {
  description = "Receives before SQS moves a message to the DLQ. Must equal CONDUIT_EVENTS_CONSUMER_MAX_ATTEMPTS (deploy/settings.yaml)."
  type        = number
  default     = 5
}

variable "topic" {
  description = "Events topic (CONDUIT_KAFKA_TOPIC)."
  type        = string
  default     = "conduit.events"
}

variable "dead_letter_topic" {
  description = "Dead-letter topic (CONDUIT_KAFKA_DEAD_LETTER_TOPIC)."
  type        = string
  default     = "conduit.events.dlt"
}

variable "consumer_group" {
  description = "Workers' consumer group (CONDUIT_KAFKA_GROUP_ID)."
  type        = string
  default     = "conduit-workers"
}

variable "vpc_id" {
  description = "VPC (MSK)."
  type        = string
}

variable "private_subnet_ids" {
  description = "Subnets of the MSK Serverless cluster (at least two zones)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach MSK."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the queues, or null for SQS-managed encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
