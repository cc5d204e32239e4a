output "proxy_jdbc_url" {
  description = "JDBC URL through RDS Proxy (API and workers)."
  value       = "jdbc:postgresql://${aws_db_proxy.this.endpoint}:${local.port}/${var.database_name}?${local.jdbc_tls}"
}

output "writer_jdbc_url" {
  description = "JDBC URL of the writer itself (the migration task: long DDL and session-level locks bypass the proxy)."
  value       = "jdbc:postgresql://${local.aurora ? aws_rds_cluster.this[0].endpoint : aws_db_instance.primary[0].address}:${local.port}/${var.database_name}?${local.jdbc_tls}"
}

output "replica_jdbc_urls" {
  description = "Comma-separated JDBC URLs of the readers (CONDUIT_DB_REPLICA_URLS), or null without replicas."
  value = var.replica_count == 0 ? null : (
    local.aurora
    ? "jdbc:postgresql://${aws_db_proxy_endpoint.readers[0].endpoint}:${local.port}/${var.database_name}?${local.jdbc_tls}"
    : join(",", [for r in aws_db_instance.replica : "jdbc:postgresql://${r.address}:${local.port}/${var.database_name}?${local.jdbc_tls}"])
  )
}

output "app_secret_arn" {
  description = "Secret with the application user's username and password (JSON)."
  value       = aws_secretsmanager_secret.app.arn
}

output "owner_secret_arn" {
  description = "RDS-managed secret of the owner (master) user (JSON username/password), rotated by RDS."
  value       = local.owner_secret_arn
}

output "replica_identifiers" {
  description = "Instance identifiers of the readers (for the replica lag alarms)."
  value       = local.aurora ? [for i in slice(aws_rds_cluster_instance.this, 1, length(aws_rds_cluster_instance.this)) : i.identifier] : aws_db_instance.replica[*].identifier
}

output "writer_identifier" {
  description = "Instance identifier of the writer."
  value       = local.aurora ? aws_rds_cluster_instance.this[0].identifier : aws_db_instance.primary[0].identifier
}

output "aurora" {
  description = "Whether the Aurora engine is in use (lag metric: AuroraReplicaLag instead of ReplicaLag)."
  value       = local.aurora
}

output "security_group_id" {
  description = "Security group of the database instances."
  value       = aws_security_group.database.id
}
