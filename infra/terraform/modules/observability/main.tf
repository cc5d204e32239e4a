# Alarms derived from docs/slo.md (multi-window burn rates on the ALB's own metrics), alarms on replica lag,
# dead letters and parked events, a dashboard, and the monthly budget. Everything notifies one SNS topic.

locals {
  lb = { LoadBalancer = var.alb_arn_suffix }

  # docs/slo.md: error budget = 1 - objective; burn-rate pairs (long window, short window, factor) as in the
  # Google SRE workbook: page at 14.4x over 1 h (and 5 min), ticket at 6x over 6 h (and 30 min)
  windows = {
    page_long    = { seconds = 3600, factor = 14.4 }
    page_short   = { seconds = 300, factor = 14.4 }
    ticket_long  = { seconds = 21600, factor = 6 }
    ticket_short = { seconds = 1800, factor = 6 }
  }
  availability_budget = 1 - var.availability_objective
  latency_budget      = 1 - var.latency_objective
}

resource "aws_sns_topic" "alarms" {
  # no KMS key: CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key
  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alarm_emails)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# ---- SLO: availability (share of requests answered without a 5xx) ----

resource "aws_cloudwatch_metric_alarm" "availability_burn" {
  for_each            = local.windows
  alarm_name          = "${var.name}-slo-availability-burn-${each.key}"
  alarm_description   = "5xx share over ${each.value.seconds / 60} min burns the ${var.availability_objective * 100}% availability budget ${each.value.factor}x faster than allowed (docs/slo.md)"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = each.value.factor * local.availability_budget
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "error_ratio"
    expression  = "(FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests"
    label       = "5xx share"
    return_data = true
  }
  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.lb
      period      = each.value.seconds
      stat        = "Sum"
    }
  }
  metric_query {
    id = "target5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.lb
      period      = each.value.seconds
      stat        = "Sum"
    }
  }
  metric_query {
    id = "elb5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = local.lb
      period      = each.value.seconds
      stat        = "Sum"
    }
  }

  tags = var.tags
}

# ---- SLO: latency (share of requests answered within the threshold; CloudWatch percentile rank) ----

resource "aws_cloudwatch_metric_alarm" "latency_burn" {
  for_each            = local.windows
  alarm_name          = "${var.name}-slo-latency-burn-${each.key}"
  alarm_description   = "Share of requests slower than ${var.latency_threshold_seconds * 1000} ms over ${each.value.seconds / 60} min burns the ${var.latency_objective * 100}% latency budget ${each.value.factor}x faster than allowed (docs/slo.md)"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = each.value.factor * local.latency_budget
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "slow_ratio"
    expression  = "1 - fast / 100"
    label       = "share slower than the threshold"
    return_data = true
  }
  metric_query {
    id = "fast"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "TargetResponseTime"
      dimensions  = local.lb
      period      = each.value.seconds
      stat        = "PR(:${var.latency_threshold_seconds})"
    }
  }

  tags = var.tags
}

# page: both windows of the fast pair; ticket: both windows of the slow pair
resource "aws_cloudwatch_composite_alarm" "slo" {
  for_each = {
    availability_page   = { alarms = aws_cloudwatch_metric_alarm.availability_burn, pair = "page" }
    availability_ticket = { alarms = aws_cloudwatch_metric_alarm.availability_burn, pair = "ticket" }
    latency_page        = { alarms = aws_cloudwatch_metric_alarm.latency_burn, pair = "page" }
    latency_ticket      = { alarms = aws_cloudwatch_metric_alarm.latency_burn, pair = "ticket" }
  }
  alarm_name        = "${var.name}-slo-${replace(each.key, "_", "-")}"
  alarm_description = "SLO burn rate (${each.key}), docs/slo.md"
  alarm_rule        = "ALARM(\"${each.value.alarms["${each.value.pair}_long"].alarm_name}\") AND ALARM(\"${each.value.alarms["${each.value.pair}_short"].alarm_name}\")"
  alarm_actions     = [aws_sns_topic.alarms.arn]
  ok_actions        = [aws_sns_topic.alarms.arn]
  tags              = var.tags
}

# ---- load balancer targets ----

resource "aws_cloudwatch_metric_alarm" "unhealthy_targets" {
  alarm_name          = "${var.name}-api-unhealthy-targets"
  alarm_description   = "API tasks failing the readiness check for 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ---- data tier ----

resource "aws_cloudwatch_metric_alarm" "replica_lag" {
  for_each            = toset(var.replica_identifiers)
  alarm_name          = "${var.name}-replica-lag-${each.value}"
  alarm_description   = "Read replica ${each.value} more than ${var.replica_lag_threshold_seconds} s behind for 5 minutes: strong reads fall back to the primary, session reads wait (docs/database.md)"
  namespace           = "AWS/RDS"
  metric_name         = var.aurora ? "AuroraReplicaLag" : "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = each.value }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.aurora ? var.replica_lag_threshold_seconds * 1000 : var.replica_lag_threshold_seconds
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "database_cpu" {
  alarm_name          = "${var.name}-database-cpu"
  alarm_description   = "Writer CPU above 80 % for 15 minutes"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = var.writer_identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "cache_cpu" {
  alarm_name          = "${var.name}-cache-engine-cpu"
  alarm_description   = "Valkey engine thread above 75 % for 15 minutes"
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  dimensions          = { ReplicationGroupId = var.cache_replication_group_id, Role = "Primary" }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 75
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ---- events ----

resource "aws_cloudwatch_metric_alarm" "dead_letter_queue" {
  count               = var.dead_letter_queue_name == null ? 0 : 1
  alarm_name          = "${var.name}-events-dead-letters"
  alarm_description   = "Events in the dead-letter queue: a consumer failed ${var.max_receive_count} times (docs/events.md: fix, then redrive)"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# Kafka has no DLQ depth metric of its own: count what the workers dead-letter (either transport)
resource "aws_cloudwatch_metric_alarm" "dead_lettered_events" {
  alarm_name          = "${var.name}-events-dead-lettered"
  alarm_description   = "Workers dead-lettered events (conduit_events_dead_lettered_total)"
  namespace           = var.metrics_namespace
  metric_name         = "conduit_events_dead_lettered_total"
  dimensions          = { Service = "conduit-worker" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "outbox_parked" {
  alarm_name          = "${var.name}-events-outbox-parked"
  alarm_description   = "Aggregates parked in the outbox after repeated publish failures (docs/events.md)"
  namespace           = var.metrics_namespace
  metric_name         = "conduit_events_outbox_parked"
  dimensions          = { Service = "conduit-api" }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "consumer_backlog" {
  alarm_name          = "${var.name}-events-backlog"
  alarm_description   = "Event backlog above ${var.backlog_alarm_threshold} for 15 minutes although the workers autoscale: at their maximum, or failing"
  namespace           = var.metrics_namespace
  metric_name         = "conduit_events_consumer_backlog"
  dimensions          = { Service = "conduit-worker" }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.backlog_alarm_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ---- cost guardrail ----

resource "aws_budgets_budget" "monthly" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  # only this stack's resources (activate the Stack tag as a cost allocation tag once, docs/deploy-aws.md)
  dynamic "cost_filter" {
    for_each = var.budget_filter_by_stack_tag ? [1] : []
    content {
      name   = "TagKeyValue"
      values = [format("user:Stack$%s", var.name)]
    }
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 80
    threshold_type            = "PERCENTAGE"
    notification_type         = "ACTUAL"
    subscriber_sns_topic_arns = [aws_sns_topic.alarms.arn]
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 100
    threshold_type            = "PERCENTAGE"
    notification_type         = "FORECASTED"
    subscriber_sns_topic_arns = [aws_sns_topic.alarms.arn]
  }
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "BudgetsPublish"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com"]
    }
  }
  statement {
    sid       = "CloudWatchPublish"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}
