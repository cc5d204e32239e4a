# PostgreSQL 17: RDS Multi-AZ primary with `replica_count` read replicas (default), or an Aurora PostgreSQL cluster
# (engine = "aurora-postgresql"). RDS Proxy pools the API's and workers' connections in front of the writer.
# Credentials: the owner (master) password is managed and rotated by RDS in Secrets Manager and used only by the
# one-shot migration task; API and workers log in as the application user, whose secret the proxy also reads.

locals {
  aurora   = var.engine == "aurora-postgresql"
  port     = 5432
  jdbc_tls = "sslmode=require"
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.database_subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "PostgreSQL: only from the proxy and the application tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "database_from_clients" {
  for_each                     = toset(concat(var.client_security_group_ids, [aws_security_group.proxy.id]))
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from ${each.value}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

resource "aws_security_group" "proxy" {
  name        = "${var.name}-db-proxy"
  description = "RDS Proxy: only from the application tasks, out to the database"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_clients" {
  for_each                     = toset(var.client_security_group_ids)
  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL from ${each.value}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_database" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "to PostgreSQL"
  referenced_security_group_id = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

# pg_stat_statements for the statement budget and slow-query work; TLS only; slow statements logged
resource "aws_db_parameter_group" "this" {
  count  = local.aurora ? 0 : 1
  name   = "${var.name}-pg17"
  family = "postgres17"

  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "pg_stat_statements.track"
    value = "all"
  }
  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  tags = var.tags
}

resource "aws_db_instance" "primary" {
  count                               = local.aurora ? 0 : 1
  identifier                          = "${var.name}-primary"
  engine                              = "postgres"
  engine_version                      = var.engine_version
  instance_class                      = var.instance_class
  allocated_storage                   = var.allocated_storage
  max_allocated_storage               = var.max_allocated_storage
  storage_type                        = "gp3"
  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  db_name                             = var.database_name
  username                            = var.owner_username
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
  multi_az                            = var.multi_az
  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.database.id]
  parameter_group_name                = aws_db_parameter_group.this[0].name
  port                                = local.port
  publicly_accessible                 = false
  backup_retention_period             = var.backup_retention_days
  backup_window                       = "03:00-04:00"
  maintenance_window                  = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = !var.deletion_protection
  final_snapshot_identifier           = var.deletion_protection ? "${var.name}-final" : null
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = var.kms_key_arn
  monitoring_interval                 = var.enhanced_monitoring_interval
  monitoring_role_arn                 = var.enhanced_monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  auto_minor_version_upgrade          = true
  apply_immediately                   = false
  tags                                = var.tags
}

resource "aws_db_instance" "replica" {
  count                           = local.aurora ? 0 : var.replica_count
  identifier                      = "${var.name}-replica-${count.index + 1}"
  replicate_source_db             = aws_db_instance.primary[0].identifier
  instance_class                  = var.replica_instance_class
  storage_type                    = "gp3"
  storage_encrypted               = true
  kms_key_id                      = var.kms_key_arn
  vpc_security_group_ids          = [aws_security_group.database.id]
  parameter_group_name            = aws_db_parameter_group.this[0].name
  publicly_accessible             = false
  multi_az                        = false
  backup_retention_period         = 0
  skip_final_snapshot             = true
  deletion_protection             = var.deletion_protection
  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.kms_key_arn
  monitoring_interval             = var.enhanced_monitoring_interval
  monitoring_role_arn             = var.enhanced_monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
  auto_minor_version_upgrade      = true
  tags                            = merge(var.tags, { Role = "read-replica" })
}

# ---- Aurora PostgreSQL (engine = "aurora-postgresql") ----

resource "aws_rds_cluster_parameter_group" "this" {
  count  = local.aurora ? 1 : 0
  name   = "${var.name}-aurora-pg17"
  family = "aurora-postgresql17"

  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  tags = var.tags
}

resource "aws_rds_cluster" "this" {
  count                               = local.aurora ? 1 : 0
  cluster_identifier                  = var.name
  engine                              = "aurora-postgresql"
  engine_version                      = var.engine_version
  database_name                       = var.database_name
  master_username                     = var.owner_username
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.database.id]
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.this[0].name
  port                                = local.port
  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  backup_retention_period             = var.backup_retention_days
  preferred_backup_window             = "03:00-04:00"
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = !var.deletion_protection
  final_snapshot_identifier           = var.deletion_protection ? "${var.name}-final" : null
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  tags                                = var.tags
}

# writer first, then `replica_count` readers; Aurora promotes a reader on failover
resource "aws_rds_cluster_instance" "this" {
  count                           = local.aurora ? 1 + var.replica_count : 0
  identifier                      = "${var.name}-${count.index}"
  cluster_identifier              = aws_rds_cluster.this[0].id
  engine                          = "aurora-postgresql"
  engine_version                  = var.engine_version
  instance_class                  = count.index == 0 ? var.instance_class : var.replica_instance_class
  db_subnet_group_name            = aws_db_subnet_group.this.name
  publicly_accessible             = false
  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.kms_key_arn
  monitoring_interval             = var.enhanced_monitoring_interval
  monitoring_role_arn             = var.enhanced_monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
  promotion_tier                  = count.index
  tags                            = var.tags
}

resource "aws_iam_role" "monitoring" {
  count = var.enhanced_monitoring_interval > 0 ? 1 : 0
  name  = "${var.name}-rds-monitoring"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count      = var.enhanced_monitoring_interval > 0 ? 1 : 0
  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
