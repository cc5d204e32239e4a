# dev: cheap and disposable. One NAT gateway, small instances, no read replica, single-AZ database, one cache
# node, workers entirely on spot, no deletion protection.
module "conduit" {
  source        = "../../modules/conduit"
  name          = "conduit-dev"
  settings_file = "${path.root}/../../../../deploy/settings.yaml"
  image_tag     = var.image_tag

  public_base_url       = var.public_base_url
  certificate_arn       = var.certificate_arn
  deletion_protection   = false
  cognito_domain_prefix = var.cognito_domain_prefix
  cognito_callback_urls = var.cognito_callback_urls
  alarm_emails          = var.alarm_emails

  vpc_cidr           = "10.41.0.0/16"
  az_count           = 3
  single_nat_gateway = true
  # endpoints would cost more than the little traffic they keep off the single NAT gateway
  vpc_interface_endpoints = []

  api_cpu                 = 512
  api_memory              = 1024
  api_min_count           = 1
  api_max_count           = 3
  worker_cpu              = 256
  worker_memory           = 512
  worker_min_count        = 1
  worker_max_count        = 2
  worker_on_demand_base   = 0
  api_db_pool_max_size    = 5
  worker_db_pool_max_size = 3

  database_engine                 = var.database_engine
  database_instance_class         = "db.t4g.micro"
  database_replica_instance_class = "db.t4g.micro"
  database_replica_count          = 0
  database_multi_az               = false
  database_backup_retention_days  = 1
  database_max_client_connections = 40

  cache_node_type = "cache.t4g.micro"
  cache_nodes     = 1

  events_transport         = var.events_transport
  jwt_rotation_in_progress = var.jwt_rotation_in_progress
  tracing_enabled          = true
  trace_sampling_ratio     = 0.1
  log_retention_days       = 7
  monthly_budget_usd       = 250

  tags = { CostCenter = "conduit-dev" }
}
