output "cluster_name" {
  value = aws_ecs_cluster.this.name
}

output "tasks_security_group_id" {
  value = aws_security_group.tasks.id
}

output "alb_dns_name" {
  value = aws_lb.this.dns_name
}

output "alb_zone_id" {
  value = aws_lb.this.zone_id
}

output "alb_arn_suffix" {
  value = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  value = aws_lb_target_group.web.arn_suffix
}

output "https_listener_arn" {
  description = "Custom domains' certificates are attached here (CUSTOM_DOMAIN_LISTENER_ARN)."
  value       = aws_lb_listener.https.arn
}

output "certificate_arn" {
  value = aws_acm_certificate.platform.arn
}

output "web_task_definition_family" {
  value = aws_ecs_task_definition.process["web"].family
}

output "migrate_command" {
  description = "One-off task running the migrations with the web task definition."
  value = join(" ", [
    "aws ecs run-task --cluster ${aws_ecs_cluster.this.name}",
    "--task-definition ${aws_ecs_task_definition.process["web"].family} --launch-type FARGATE",
    "--network-configuration 'awsvpcConfiguration={subnets=[${join(",", var.private_subnet_ids)}],securityGroups=[${aws_security_group.tasks.id}],assignPublicIp=DISABLED}'",
    "--overrides '{\"containerOverrides\":[{\"name\":\"web\",\"command\":[\"python\",\"manage.py\",\"migrate_pending\"]}]}'",
  ])
}
