output "instance_identifier" {
  value = aws_db_instance.this.identifier
}

output "instance_arn" {
  value = aws_db_instance.this.arn
}

output "address" {
  value = aws_db_instance.this.address
}

output "port" {
  value = aws_db_instance.this.port
}

output "database_name" {
  value = aws_db_instance.this.db_name
}

output "security_group_id" {
  value = aws_security_group.this.id
}

output "parameter_group_name" {
  value = aws_db_parameter_group.this.name
}

output "monitoring_role_arn" {
  value = aws_iam_role.monitoring.arn
}

output "username" {
  value = aws_db_instance.this.username
}
