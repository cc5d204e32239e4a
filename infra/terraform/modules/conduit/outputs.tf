output "repository_url" {
  description = "ECR repository: docker push <url>:<tag>."
  value       = module.registry.repository_url
}

output "alb_dns_name" {
  description = "Point public_base_url's host at this (alias record)."
  value       = module.alb.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone of the ALB, for an alias record."
  value       = module.alb.zone_id
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.service.cluster_name
}

output "migrate_run_task" {
  description = "Arguments of `aws ecs run-task` for the one-shot migration (docs/deploy-aws.md)."
  value = {
    cluster         = module.service.cluster_name
    task_definition = module.service.migrate_task_definition
    subnets         = module.network.private_subnet_ids
    security_groups = [aws_security_group.worker.id]
  }
}

output "jwt_signing_key_secret_arn" {
  description = "Put the private JWK from CONDUIT_ROLE=keygen here before the first deploy."
  value       = aws_secretsmanager_secret.jwt_signing_key.arn
}

output "jwt_verification_keys_secret_arn" {
  description = "Secret for CONDUIT_JWT_VERIFICATION_KEYS during a rotation."
  value       = aws_secretsmanager_secret.jwt_verification_keys.arn
}

output "db_app_secret_arn" {
  description = "Application database login (bootstrap and rotation in docs/deploy-aws.md)."
  value       = module.database.app_secret_arn
}

output "db_owner_secret_arn" {
  description = "Owner (master) database login, managed by RDS."
  value       = module.database.owner_secret_arn
}

output "alarm_topic_arn" {
  description = "Alarm topic."
  value       = module.observability.alarm_topic_arn
}

output "task_environment" {
  description = "Environment per role, as derived from deploy/settings.yaml (no secrets)."
  value       = module.service.environment
}
