# A read replica of the primary: reports, exports and search indexing read from it so the
# primary serves checkouts. Asynchronous (seconds of lag): never read your own write from it.
# It can be promoted to a standalone primary in a disaster (a region's replica: give an ARN).

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_133:The primary's automated backups and point-in-time recovery cover the data; a replica is rebuilt from the primary, not restored.
  #checkov:skip=CKV_AWS_157:Read capacity, not availability: the primary is Multi-AZ; a lost replica is recreated (multi_az is a variable for those who want it).
  identifier          = var.name
  replicate_source_db = var.source_instance_identifier
  instance_class      = var.instance_class
  availability_zone   = var.multi_az ? null : var.availability_zone
  multi_az            = var.multi_az

  storage_encrypted      = true
  kms_key_id             = var.kms_key_arn
  vpc_security_group_ids = var.security_group_ids
  parameter_group_name   = var.parameter_group_name
  publicly_accessible    = false

  # The primary holds the backups; a replica's are not needed until it is promoted.
  backup_retention_period = 0
  skip_final_snapshot     = true
  deletion_protection     = true
  copy_tags_to_snapshot   = true

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 30
  monitoring_role_arn                   = var.monitoring_role_arn
  enabled_cloudwatch_logs_exports       = ["postgresql"]
}
