# ECS on Fargate: one cluster, the API service (on-demand FARGATE, behind the ALB), the worker service
# (FARGATE_SPOT, optional FARGATE base), and the one-shot migration task definition. All three run the same image;
# CONDUIT_ROLE and the rest of the environment come from deploy/settings.yaml (settings.tf).

data "aws_caller_identity" "current" {}

locals {
  # drain (15 s in production) + shutdown timeout (30 s) + margin; Fargate allows at most 120 s
  stop_timeout = var.stop_timeout

  log_configuration = {
    for role in local.roles : role => {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.app[role].name
        "awslogs-region"        = var.region
        "awslogs-stream-prefix" = role
        # ECS JSON lines never interleave; non-blocking so that a slow log pipe never stalls request threads
        "mode"            = "non-blocking"
        "max-buffer-size" = "4m"
      }
    }
  }

  # the app writes only to /tmp (Tomcat work files, JVM perf data); the root filesystem is read-only
  tmp_mount = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]

  # no curl in the JRE image: a bash /dev/tcp probe of the liveness endpoint
  liveness_probe = {
    command     = ["CMD-SHELL", "exec 3<>/dev/tcp/127.0.0.1/${local.container_port} && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
    interval    = 15
    timeout     = 5
    retries     = 3
    startPeriod = 60
  }

  api_container = {
    name                   = "app"
    image                  = var.image
    essential              = true
    readonlyRootFilesystem = true
    user                   = "10001:10001"
    portMappings           = [{ containerPort = local.container_port, hostPort = local.container_port, protocol = "tcp" }]
    environment            = local.environment["api"]
    secrets                = local.secrets["api"]
    mountPoints            = local.tmp_mount
    stopTimeout            = local.stop_timeout
    healthCheck            = local.liveness_probe
    logConfiguration       = local.log_configuration["api"]
  }

  worker_container = {
    name                   = "app"
    image                  = var.image
    essential              = true
    readonlyRootFilesystem = true
    user                   = "10001:10001"
    portMappings           = [{ containerPort = local.container_port, hostPort = local.container_port, protocol = "tcp" }]
    environment            = local.environment["worker"]
    secrets                = local.secrets["worker"]
    mountPoints            = local.tmp_mount
    stopTimeout            = local.stop_timeout
    healthCheck            = local.liveness_probe
    logConfiguration       = local.log_configuration["worker"]
  }

  migrate_container = {
    name                   = "app"
    image                  = var.image
    essential              = true
    readonlyRootFilesystem = true
    user                   = "10001:10001"
    environment            = local.environment["migrate"]
    secrets                = local.secrets["migrate"]
    mountPoints            = local.tmp_mount
    stopTimeout            = local.stop_timeout
    logConfiguration       = local.log_configuration["migrate"]
  }

  # ADOT collector sidecar: scrapes /actuator/prometheus into CloudWatch (EMF) and forwards OTLP traces to X-Ray
  collector_container = {
    for role in ["api", "worker"] : role => {
      name                   = "otel-collector"
      image                  = var.collector_image
      essential              = false
      readonlyRootFilesystem = true
      secrets                = [{ name = "AOT_CONFIG_CONTENT", valueFrom = aws_ssm_parameter.collector_config[role].arn }]
      mountPoints            = local.tmp_mount
      logConfiguration       = local.log_configuration[role]
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "app" {
  for_each          = toset(local.roles)
  name              = "/conduit/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "metrics" {
  name              = "/conduit/${var.name}/metrics"
  retention_in_days = 7
  tags              = var.tags
}

resource "aws_ssm_parameter" "collector_config" {
  for_each = toset(["api", "worker"])
  name     = "/conduit/${var.name}/otel-collector/${each.key}"
  type     = "String"
  tier     = "Advanced"
  value = templatefile("${path.module}/collector.yaml.tftpl", {
    service          = "conduit-${each.key}"
    port             = local.container_port
    region           = var.region
    namespace        = var.metrics_namespace
    metrics_log_grp  = aws_cloudwatch_log_group.metrics.name
    tracing_enabled  = var.tracing_enabled
    exported_metrics = var.exported_metrics
  })
  tags = var.tags
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${var.name}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.api_cpu
  memory                   = var.api_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task["api"].arn
  container_definitions    = jsonencode([local.api_container, local.collector_container["api"]])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  tags = var.tags
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "${var.name}-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.worker_cpu
  memory                   = var.worker_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task["worker"].arn
  container_definitions    = jsonencode([local.worker_container, local.collector_container["worker"]])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  tags = var.tags
}

# Run once per deploy, before the services roll (docs/deploy-aws.md): aws ecs run-task ... --task-definition <family>
resource "aws_ecs_task_definition" "migrate" {
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task["migrate"].arn
  container_definitions    = jsonencode([local.migrate_container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  tags = var.tags
}

resource "aws_ecs_service" "api" {
  name                               = "api"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.api.arn
  desired_count                      = var.api_min_count
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = var.enable_execute_command
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = false

  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
    base              = var.api_min_count
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.api_security_group_id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "app"
    container_port   = local.container_port
  }

  # autoscaling owns the count after creation
  lifecycle {
    ignore_changes = [desired_count]
  }

  tags = var.tags
}

resource "aws_ecs_service" "worker" {
  name                               = "worker"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.worker.arn
  desired_count                      = var.worker_min_count
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  enable_execute_command             = var.enable_execute_command
  propagate_tags                     = "SERVICE"

  # spot for the bulk (a reclaimed worker's messages become visible again and are redelivered);
  # an optional on-demand base keeps events flowing when spot capacity is short
  dynamic "capacity_provider_strategy" {
    for_each = var.worker_on_demand_base > 0 ? [1] : []
    content {
      capacity_provider = "FARGATE"
      weight            = 0
      base              = var.worker_on_demand_base
    }
  }

  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.worker_security_group_id]
    assign_public_ip = false
  }

  lifecycle {
    ignore_changes = [desired_count]
  }

  tags = var.tags
}
