# prod: highly available. A NAT gateway per zone, Multi-AZ database with two read replicas behind RDS Proxy,
# a two-node Valkey group with automatic failover, API on on-demand FARGATE across three zones, workers on
# FARGATE_SPOT with one on-demand task as a floor, deletion protection everywhere.
module "conduit" {
  source        = "../../modules/conduit"
  name          = "conduit-prod"
  settings_file = "${path.root}/../../../../deploy/settings.yaml"
  image_tag     = var.image_tag

  public_base_url       = var.public_base_url
  certificate_arn       = var.certificate_arn
  deletion_protection   = true
  cognito_domain_prefix = var.cognito_domain_prefix
  cognito_callback_urls = var.cognito_callback_urls
  alarm_emails          = var.alarm_emails

  vpc_cidr           = "10.40.0.0/16"
  az_count           = 3
  single_nat_gateway = false

  api_cpu                 = 1024
  api_memory              = 2048
  api_min_count           = 3
  api_max_count           = 12
  worker_cpu              = 512
  worker_memory           = 1024
  worker_min_count        = 2
  worker_max_count        = 8
  worker_on_demand_base   = 1
  api_db_pool_max_size    = 10
  worker_db_pool_max_size = 5

  database_engine                 = var.database_engine
  database_instance_class         = "db.m7g.large"
  database_replica_instance_class = "db.m7g.large"
  database_replica_count          = 2
  database_multi_az               = true
  database_backup_retention_days  = 14
  database_max_client_connections = 200

  cache_node_type = "cache.m7g.large"
  cache_nodes     = 2

  events_transport         = var.events_transport
  jwt_rotation_in_progress = var.jwt_rotation_in_progress
  tracing_enabled          = true
  trace_sampling_ratio     = 0.01
  log_retention_days       = 30
  monthly_budget_usd       = 2500

  tags = { CostCenter = "conduit-prod" }
}
