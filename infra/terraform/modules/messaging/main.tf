# Events transport. Default: an SQS FIFO queue (the aggregate is the message group, the event id the
# deduplication id) with a FIFO dead-letter queue behind a redrive policy. Alternative (transport = "kafka"):
# MSK Serverless with IAM authentication; the application creates its two topics at start
# (kafka-cluster:CreateTopic, scoped to those topics by the task role).

locals {
  sqs   = var.transport == "sqs"
  kafka = var.transport == "kafka"
}

resource "aws_sqs_queue" "dead_letter" {
  count                     = local.sqs ? 1 : 0
  name                      = "${var.name}-events-dlq.fifo"
  fifo_queue                = true
  message_retention_seconds = 1209600 # 14 days, the SQS maximum: time to fix the poison and redrive
  sqs_managed_sse_enabled   = var.kms_key_arn == null
  kms_master_key_id         = var.kms_key_arn
  tags                      = var.tags
}

resource "aws_sqs_queue" "events" {
  count                       = local.sqs ? 1 : 0
  name                        = "${var.name}-events.fifo"
  fifo_queue                  = true
  content_based_deduplication = false
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId" # high-throughput FIFO
  visibility_timeout_seconds  = 30                  # CONDUIT_SQS_VISIBILITY_TIMEOUT
  receive_wait_time_seconds   = 2                   # CONDUIT_SQS_WAIT_TIME
  message_retention_seconds   = 345600              # 4 days
  sqs_managed_sse_enabled     = var.kms_key_arn == null
  kms_master_key_id           = var.kms_key_arn

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  count     = local.sqs ? 1 : 0
  queue_url = aws_sqs_queue.dead_letter[0].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.events[0].arn]
  })
}

# ---- MSK Serverless (transport = "kafka") ----

resource "aws_security_group" "kafka" {
  count       = local.kafka ? 1 : 0
  name        = "${var.name}-kafka"
  description = "MSK Serverless: IAM-authenticated clients from the application tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "kafka_from_clients" {
  for_each                     = local.kafka ? toset(var.client_security_group_ids) : toset([])
  security_group_id            = aws_security_group.kafka[0].id
  description                  = "Kafka SASL/IAM from ${each.value}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
}

resource "aws_msk_serverless_cluster" "this" {
  count        = local.kafka ? 1 : 0
  cluster_name = var.name

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.kafka[0].id]
  }

  client_authentication {
    sasl {
      iam {
        enabled = true
      }
    }
  }

  tags = var.tags
}

data "aws_msk_bootstrap_brokers" "this" {
  count       = local.kafka ? 1 : 0
  cluster_arn = aws_msk_serverless_cluster.this[0].arn
}

locals {
  # arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> -> topic/... and group/... ARNs of the same cluster
  msk_arn_parts = local.kafka ? split("/", aws_msk_serverless_cluster.this[0].arn) : []
  msk_prefix    = local.kafka ? replace(local.msk_arn_parts[0], ":cluster", "") : ""
  msk_suffix    = local.kafka ? "${local.msk_arn_parts[1]}/${local.msk_arn_parts[2]}" : ""
}
