output "ecr_repository_url" {
  description = "docker push <this>:<tag>, then set image_tag and apply."
  value       = aws_ecr_repository.mercato.repository_url
}

output "platform_url" {
  value = "https://${var.platform_domain}/"
}

output "media_url" {
  value = "https://${local.media_domain}/"
}

output "alb_dns_name" {
  value = module.service.alb_dns_name
}

output "ecs_cluster" {
  value = module.service.cluster_name
}

output "migrate_command" {
  description = "Runs manage.py migrate_pending as a one-off task (after each image change)."
  value       = module.service.migrate_command
}

output "secrets_to_set" {
  description = "Secrets created with a placeholder: put the real values in after the first apply."
  value       = module.secrets.operator_set_names
}

output "database_address" {
  value = module.database.address
}

output "database_replica_address" {
  value = try(module.database_replica[0].address, null)
}

output "redis_address" {
  value = module.cache.primary_endpoint_address
}

output "search_endpoint" {
  value = module.search.endpoint
}

output "media_bucket" {
  value = module.media.bucket_name
}

output "alarm_topic_arn" {
  value = module.alarms.topic_arn
}

output "nat_public_ips" {
  description = "Outgoing addresses, for providers' allow-lists."
  value       = module.network.nat_public_ips
}
