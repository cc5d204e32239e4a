output "repository_url" {
  description = "ECR repository for the image."
  value       = module.conduit.repository_url
}

output "alb_dns_name" {
  description = "Alias target of the public host name."
  value       = module.conduit.alb_dns_name
}

output "alb_zone_id" {
  description = "Hosted zone of the ALB."
  value       = module.conduit.alb_zone_id
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.conduit.cluster_name
}

output "migrate_run_task" {
  description = "Arguments of the one-shot migration task."
  value       = module.conduit.migrate_run_task
}

output "jwt_signing_key_secret_arn" {
  description = "Where the signing key goes."
  value       = module.conduit.jwt_signing_key_secret_arn
}

output "jwt_verification_keys_secret_arn" {
  description = "Verification keys during a rotation."
  value       = module.conduit.jwt_verification_keys_secret_arn
}

output "db_app_secret_arn" {
  description = "Application database login."
  value       = module.conduit.db_app_secret_arn
}

output "db_owner_secret_arn" {
  description = "Owner database login."
  value       = module.conduit.db_owner_secret_arn
}

output "task_environment" {
  description = "Environment per role (from deploy/settings.yaml)."
  value       = module.conduit.task_environment
}
