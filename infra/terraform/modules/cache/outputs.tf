output "url_secret_arn" {
  description = "Secret holding CONDUIT_REDIS_URL."
  value       = aws_secretsmanager_secret.url.arn
}

output "replication_group_id" {
  description = "Replication group id (CloudWatch dimension)."
  value       = aws_elasticache_replication_group.this.id
}

output "primary_endpoint" {
  description = "Primary endpoint address."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}
