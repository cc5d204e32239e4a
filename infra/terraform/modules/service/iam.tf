# Least privilege: the execution role pulls the image and reads exactly the secrets and the collector config the
# task definitions reference; each role's task role may touch only its own queue or topics, its traces and its
# metrics log group.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:ecs:${var.region}:${data.aws_caller_identity.current.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "ReadTaskSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.secret_arns
  }
  statement {
    sid       = "ReadCollectorConfig"
    actions   = ["ssm:GetParameters"]
    resources = [for p in aws_ssm_parameter.collector_config : p.arn]
  }
  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = var.kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "secrets-and-config"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  for_each           = toset(local.roles)
  name               = "${var.name}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task" {
  for_each = toset(["api", "worker"])

  # the collector sidecar: EMF log events into the metrics log group, trace segments to X-Ray
  statement {
    sid       = "ShipMetrics"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.metrics.arn}:*"]
  }
  statement {
    sid       = "ShipTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"] # X-Ray has no resource-level permissions for these actions
  }

  # SQS: every serving role relays the outbox (send); only workers receive
  dynamic "statement" {
    for_each = var.sqs_queue_arn == null ? [] : [1]
    content {
      sid = "EventsQueue"
      actions = concat(
        ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        each.key == "worker" ? ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"] : []
      )
      resources = [var.sqs_queue_arn]
    }
  }

  # MSK Serverless with IAM: connect, create/describe the two topics, write; workers also read and join the group
  dynamic "statement" {
    for_each = var.msk_cluster_arn == null ? [] : [1]
    content {
      sid       = "KafkaCluster"
      actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"]
      resources = [var.msk_cluster_arn]
    }
  }
  dynamic "statement" {
    for_each = var.msk_cluster_arn == null ? [] : [1]
    content {
      sid = "KafkaTopics"
      actions = concat(
        ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
        each.key == "worker" ? ["kafka-cluster:ReadData"] : []
      )
      resources = var.msk_topic_arns
    }
  }
  dynamic "statement" {
    for_each = var.msk_cluster_arn == null || each.key != "worker" ? [] : [1]
    content {
      sid       = "KafkaConsumerGroup"
      actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
      resources = var.msk_group_arns
    }
  }

  # ECS Exec, when enabled, for break-glass debugging
  dynamic "statement" {
    for_each = var.enable_execute_command ? [1] : []
    content {
      sid       = "EcsExec"
      actions   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  for_each = data.aws_iam_policy_document.task
  name     = "${each.key}-least-privilege"
  role     = aws_iam_role.task[each.key].id
  policy   = each.value.json
}
