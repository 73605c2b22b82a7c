# Secrets Manager holds every secret of the README's Configuration table (and the few more that
# settings.py reads: MERCATO_ENCRYPTION_KEYS, STRIPE_CONNECT_WEBHOOK_SECRET). ECS injects them
# into the tasks' environment at start, so the app reads them as it reads any variable.
#
# Two kinds: the ones Terraform composes from what it created or generates (DATABASE_URL,
# REDIS_URL, ELASTICSEARCH_URL, SECRET_KEY, MERCATO_ENCRYPTION_KEYS), and the ones only the
# operator knows (Stripe's keys, the SMTP password), created with a placeholder that Terraform
# never overwrites once the operator has set the real value.

locals {
  # nonsensitive: the names are not secret, only the values; for_each needs known keys.
  generated_names = nonsensitive(toset(keys(var.generated)))
}

resource "aws_secretsmanager_secret" "generated" {
  #checkov:skip=CKV2_AWS_57:Rotating these means re-creating what they point at (the database password, the Redis AUTH token) together with the value: done by `terraform apply` with a new random value, not by a rotation Lambda.
  for_each = local.generated_names

  name                    = "${var.name}/${each.value}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "generated" {
  for_each = local.generated_names

  secret_id     = aws_secretsmanager_secret.generated[each.value].id
  secret_string = var.generated[each.value]
}

resource "aws_secretsmanager_secret" "operator_set" {
  #checkov:skip=CKV2_AWS_57:Provider keys are rotated at the provider (Stripe's dashboard) and then set here; no Lambda can do that.
  for_each = toset(var.operator_set)

  name                    = "${var.name}/${each.value}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "operator_set" {
  for_each = toset(var.operator_set)

  secret_id = aws_secretsmanager_secret.operator_set[each.value].id
  # One space: ECS needs a value to start a task, and settings.py strips it to "unset", so the
  # platform starts with payments by platform keys and SMTP off until the operator sets them.
  secret_string = " "

  # The operator's value (aws secretsmanager put-secret-value) is kept across applies.
  lifecycle {
    ignore_changes = [secret_string]
  }
}
