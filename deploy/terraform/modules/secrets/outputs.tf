output "arns" {
  description = "Environment variable name -> secret ARN (for the task definitions)."
  value = merge(
    { for key, secret in aws_secretsmanager_secret.generated : key => secret.arn },
    { for key, secret in aws_secretsmanager_secret.operator_set : key => secret.arn },
  )
}

output "operator_set_names" {
  description = "Secrets to set after apply: aws secretsmanager put-secret-value --secret-id <name> ..."
  value       = [for secret in aws_secretsmanager_secret.operator_set : secret.name]
}
