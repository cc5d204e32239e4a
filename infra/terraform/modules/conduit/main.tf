# The whole Conduit Scale stack in one account and region: network, load balancer, ECS services, PostgreSQL,
# Valkey, the events transport, Cognito, observability and cost guardrails. envs/dev and envs/prod call this
# module with their sizes; nothing here is environment-specific.

data "aws_region" "current" {}

locals {
  region   = data.aws_region.current.region
  settings = yamldecode(file(var.settings_file)).settings
  # the container port, the target group port and the health check port are all SERVER_PORT of the settings file
  container_port = tonumber(local.settings.SERVER_PORT.aws)
  tags           = merge(var.tags, { Stack = var.name })
}

module "network" {
  source             = "../network"
  name               = var.name
  region             = local.region
  cidr               = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  # interface endpoints cost about $7/month per zone each: prod keeps ECR, Secrets Manager and Logs traffic off
  # the NAT gateways; dev sends it through its single NAT gateway (the S3 gateway endpoint is free and always on)
  interface_endpoints = var.vpc_interface_endpoints
  tags                = local.tags
}

module "registry" {
  source       = "../registry"
  name         = var.name
  force_delete = !var.deletion_protection
  tags         = local.tags
}

module "alb" {
  source              = "../alb"
  name                = var.name
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_arn     = var.certificate_arn
  container_port      = local.container_port
  health_check_path   = "/actuator/health/readiness"
  deletion_protection = var.deletion_protection
  access_logs_bucket  = var.alb_access_logs_bucket
  tags                = local.tags
}

# Task security groups live here so that the data tier can name them as its only clients.
resource "aws_security_group" "api" {
  name        = "${var.name}-api"
  description = "API tasks: the application port from the ALB only"
  vpc_id      = module.network.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "api_from_alb" {
  security_group_id            = aws_security_group.api.id
  description                  = "application port from the load balancer"
  referenced_security_group_id = module.alb.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = module.alb.security_group_id
  description                  = "to the API tasks"
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

resource "aws_security_group" "worker" {
  name        = "${var.name}-worker"
  description = "Worker and migration tasks: no ingress"
  vpc_id      = module.network.vpc_id
  tags        = local.tags
}

# tasks reach AWS APIs (through endpoints or NAT), PostgreSQL, Valkey and MSK; nothing reaches them but the ALB
resource "aws_vpc_security_group_egress_rule" "tasks_out" {
  for_each          = { api = aws_security_group.api.id, worker = aws_security_group.worker.id }
  security_group_id = each.value
  description       = "outbound: AWS APIs, data tier, webhooks"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

module "database" {
  source                    = "../database"
  name                      = var.name
  vpc_id                    = module.network.vpc_id
  database_subnet_ids       = module.network.database_subnet_ids
  client_security_group_ids = [aws_security_group.api.id, aws_security_group.worker.id]
  engine                    = var.database_engine
  instance_class            = var.database_instance_class
  replica_instance_class    = var.database_replica_instance_class
  replica_count             = var.database_replica_count
  multi_az                  = var.database_multi_az
  backup_retention_days     = var.database_backup_retention_days
  deletion_protection       = var.deletion_protection
  tags                      = local.tags
}

module "cache" {
  source                    = "../cache"
  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.database_subnet_ids
  client_security_group_ids = [aws_security_group.api.id, aws_security_group.worker.id]
  node_type                 = var.cache_node_type
  num_cache_clusters        = var.cache_nodes
  tags                      = local.tags
}

module "messaging" {
  source                    = "../messaging"
  name                      = var.name
  transport                 = var.events_transport
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  client_security_group_ids = [aws_security_group.api.id, aws_security_group.worker.id]
  tags                      = local.tags
}

module "identity" {
  count               = var.cognito_enabled ? 1 : 0
  source              = "../identity"
  name                = var.name
  domain_prefix       = var.cognito_domain_prefix
  callback_urls       = var.cognito_callback_urls
  deletion_protection = var.deletion_protection
  tags                = local.tags
}

# The JWT signing key is generated outside Terraform (CONDUIT_ROLE=keygen) and put into this secret by the
# operator (docs/deploy-aws.md), so the private key never enters the Terraform state.
resource "aws_secretsmanager_secret" "jwt_signing_key" {
  name_prefix             = "${var.name}/jwt-signing-key-"
  description             = "CONDUIT_JWT_SIGNING_KEY: private ES256 JWK (CONDUIT_ROLE=keygen)"
  recovery_window_in_days = var.deletion_protection ? 30 : 0
  tags                    = local.tags
}

resource "aws_secretsmanager_secret" "jwt_verification_keys" {
  name_prefix             = "${var.name}/jwt-verification-keys-"
  description             = "CONDUIT_JWT_VERIFICATION_KEYS during a signing-key rotation (docs/auth.md)"
  recovery_window_in_days = var.deletion_protection ? 30 : 0
  tags                    = local.tags
}

module "service" {
  source        = "../service"
  name          = var.name
  region        = local.region
  settings_file = var.settings_file
  image         = "${module.registry.repository_url}:${var.image_tag}"

  # every infra:<key> of deploy/settings.yaml; null leaves the variable out of the task definition
  infra_values = {
    db_url                  = module.database.proxy_jdbc_url
    db_migrate_url          = module.database.writer_jdbc_url
    db_replica_urls         = module.database.replica_jdbc_urls
    api_db_pool_max_size    = tostring(var.api_db_pool_max_size)
    worker_db_pool_max_size = tostring(var.worker_db_pool_max_size)
    public_base_url         = var.public_base_url
    oidc_issuers            = var.cognito_enabled ? module.identity[0].oidc_issuers_json : null
    cors_allowed_origins    = length(var.cors_allowed_origins) > 0 ? join(",", var.cors_allowed_origins) : null
    trusted_proxies         = join(",", module.network.public_subnet_cidrs)
    events_transport        = module.messaging.transport
    kafka_bootstrap         = module.messaging.kafka_bootstrap
    kafka_iam               = var.events_transport == "kafka" ? "true" : null
    sqs_queue_url           = module.messaging.queue_url
    aws_region              = local.region
    java_tool_options       = var.tracing_enabled ? "-javaagent:/opt/otel/opentelemetry-javaagent.jar" : null
    trace_sampling_ratio    = tostring(var.trace_sampling_ratio)
  }

  # every secret:<key> of deploy/settings.yaml (ECS pulls JSON keys with <arn>:<key>::)
  secret_refs = {
    db_app_username       = "${module.database.app_secret_arn}:username::"
    db_app_password       = "${module.database.app_secret_arn}:password::"
    db_owner_username     = "${module.database.owner_secret_arn}:username::"
    db_owner_password     = "${module.database.owner_secret_arn}:password::"
    jwt_signing_key       = aws_secretsmanager_secret.jwt_signing_key.arn
    jwt_verification_keys = var.jwt_rotation_in_progress ? aws_secretsmanager_secret.jwt_verification_keys.arn : null
    redis_url             = module.cache.url_secret_arn
  }

  secret_arns = [
    module.database.app_secret_arn,
    module.database.owner_secret_arn,
    aws_secretsmanager_secret.jwt_signing_key.arn,
    aws_secretsmanager_secret.jwt_verification_keys.arn,
    module.cache.url_secret_arn,
  ]

  private_subnet_ids       = module.network.private_subnet_ids
  api_security_group_id    = aws_security_group.api.id
  worker_security_group_id = aws_security_group.worker.id
  target_group_arn         = module.alb.target_group_arn
  alb_resource_label       = "${module.alb.arn_suffix}/${module.alb.target_group_arn_suffix}"

  api_cpu                 = var.api_cpu
  api_memory              = var.api_memory
  api_min_count           = var.api_min_count
  api_max_count           = var.api_max_count
  worker_cpu              = var.worker_cpu
  worker_memory           = var.worker_memory
  worker_min_count        = var.worker_min_count
  worker_max_count        = var.worker_max_count
  worker_on_demand_base   = var.worker_on_demand_base
  worker_backlog_per_task = var.worker_backlog_per_task
  cpu_architecture        = var.cpu_architecture
  tracing_enabled         = var.tracing_enabled
  log_retention_days      = var.log_retention_days

  sqs_queue_arn   = module.messaging.queue_arn
  msk_cluster_arn = module.messaging.msk_cluster_arn
  msk_topic_arns  = module.messaging.msk_topic_arns
  msk_group_arns  = module.messaging.msk_group_arns

  tags = local.tags
}

module "observability" {
  source                     = "../observability"
  name                       = var.name
  region                     = local.region
  alarm_emails               = var.alarm_emails
  alb_arn_suffix             = module.alb.arn_suffix
  target_group_arn_suffix    = module.alb.target_group_arn_suffix
  writer_identifier          = module.database.writer_identifier
  replica_identifiers        = module.database.replica_identifiers
  aurora                     = module.database.aurora
  cache_replication_group_id = module.cache.replication_group_id
  dead_letter_queue_name     = module.messaging.dead_letter_queue_name
  monthly_budget_usd         = var.monthly_budget_usd
  tags                       = local.tags
}

check "pool_budget" {
  assert {
    # every task's pool at the services' maxima must fit in what the proxy may open (80 % of max_connections)
    condition     = var.api_max_count * var.api_db_pool_max_size + var.worker_max_count * var.worker_db_pool_max_size <= var.database_max_client_connections
    error_message = "api_max_count x api_db_pool_max_size + worker_max_count x worker_db_pool_max_size exceeds database_max_client_connections."
  }
}
