output "transport" {
  description = "CONDUIT_EVENTS_TRANSPORT."
  value       = var.transport
}

output "queue_url" {
  description = "CONDUIT_SQS_QUEUE_URL, or null with Kafka."
  value       = local.sqs ? aws_sqs_queue.events[0].url : null
}

output "queue_arn" {
  description = "ARN of the events queue, or null."
  value       = local.sqs ? aws_sqs_queue.events[0].arn : null
}

output "queue_name" {
  description = "Name of the events queue, or null."
  value       = local.sqs ? aws_sqs_queue.events[0].name : null
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue (alarm dimension), or null."
  value       = local.sqs ? aws_sqs_queue.dead_letter[0].name : null
}

output "kafka_bootstrap" {
  description = "CONDUIT_KAFKA_BOOTSTRAP (SASL/IAM brokers), or null with SQS."
  value       = local.kafka ? data.aws_msk_bootstrap_brokers.this[0].bootstrap_brokers_sasl_iam : null
}

output "msk_cluster_arn" {
  description = "MSK Serverless cluster, or null."
  value       = local.kafka ? aws_msk_serverless_cluster.this[0].arn : null
}

output "msk_topic_arns" {
  description = "ARNs of the events and dead-letter topics."
  value       = local.kafka ? [for t in [var.topic, var.dead_letter_topic] : "${local.msk_prefix}:topic/${local.msk_suffix}/${t}"] : []
}

output "msk_group_arns" {
  description = "ARN of the workers' consumer group."
  value       = local.kafka ? ["${local.msk_prefix}:group/${local.msk_suffix}/${var.consumer_group}"] : []
}

output "kafka_security_group_id" {
  description = "Security group of MSK, or null."
  value       = local.kafka ? aws_security_group.kafka[0].id : null
}
