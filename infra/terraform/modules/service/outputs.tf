output "cluster_name" {
  description = "ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "api_service_name" {
  description = "API service."
  value       = aws_ecs_service.api.name
}

output "worker_service_name" {
  description = "Worker service."
  value       = aws_ecs_service.worker.name
}

output "migrate_task_definition" {
  description = "Family of the one-shot migration task (run before each deploy)."
  value       = aws_ecs_task_definition.migrate.family
}

output "container_port" {
  description = "Port of the application container, from deploy/settings.yaml (SERVER_PORT)."
  value       = local.container_port
}

output "log_group_names" {
  description = "Log group per role."
  value       = { for role, group in aws_cloudwatch_log_group.app : role => group.name }
}

output "environment" {
  description = "The environment each role's container gets (secrets excluded), for review in plans."
  value       = local.environment
}
