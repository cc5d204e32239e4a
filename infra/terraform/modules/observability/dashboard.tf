resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "Requests and 5xx (ALB)"
          region = var.region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix],
            [".", "HTTPCode_Target_5XX_Count", ".", "."],
            [".", "HTTPCode_ELB_5XX_Count", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Latency (ALB target response time) and share within ${var.latency_threshold_seconds * 1000} ms"
          region = var.region
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, { stat = "p50" }],
            ["...", { stat = "p99" }],
            ["...", { stat = "PR(:${var.latency_threshold_seconds})", yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 8, height = 6
        properties = {
          title  = "Events: backlog and outbox"
          region = var.region
          stat   = "Maximum"
          period = 60
          metrics = [
            [var.metrics_namespace, "conduit_events_consumer_backlog", "Service", "conduit-worker"],
            [".", "conduit_events_outbox_backlog", ".", "conduit-api"],
            [".", "conduit_events_outbox_parked", ".", "conduit-api"],
          ]
        }
      },
      {
        type = "metric", x = 8, y = 6, width = 8, height = 6
        properties = {
          title   = "Replica lag (s or ms on Aurora)"
          region  = var.region
          stat    = "Maximum"
          period  = 60
          metrics = [for id in var.replica_identifiers : ["AWS/RDS", var.aurora ? "AuroraReplicaLag" : "ReplicaLag", "DBInstanceIdentifier", id]]
        }
      },
      {
        type = "metric", x = 16, y = 6, width = 8, height = 6
        properties = {
          title  = "Database and cache"
          region = var.region
          stat   = "Average"
          period = 60
          metrics = [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.writer_identifier],
            [".", "DatabaseConnections", ".", "."],
            ["AWS/ElastiCache", "EngineCPUUtilization", "ReplicationGroupId", var.cache_replication_group_id, "Role", "Primary"],
            [var.metrics_namespace, "hikaricp_connections_pending", "Service", "conduit-api", { stat = "Maximum" }],
          ]
        }
      },
    ]
  })
}
