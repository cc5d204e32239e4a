output "security_group_id" {
  description = "Security group of the load balancer: the API tasks accept traffic only from it."
  value       = aws_security_group.alb.id
}

output "target_group_arn" {
  description = "Target group the API service registers its tasks with."
  value       = aws_lb_target_group.api.arn
}

output "dns_name" {
  description = "DNS name of the load balancer (point the public name at it)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the load balancer, for an alias record."
  value       = aws_lb.this.zone_id
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension LoadBalancer)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch dimension TargetGroup)."
  value       = aws_lb_target_group.api.arn_suffix
}

output "https_listener_arn" {
  description = "The HTTPS listener."
  value       = aws_lb_listener.https.arn
}
