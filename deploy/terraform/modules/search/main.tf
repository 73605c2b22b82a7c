# Amazon OpenSearch Service in the VPC: encrypted at rest (KMS) and between nodes, HTTPS only
# (TLS 1.2+), fine-grained access control with an internal master user whose credentials are in
# the ELASTICSEARCH_URL secret. Zone awareness spreads the nodes (and each index's replica) over
# zones. The app falls back to PostgreSQL search when the cluster is slow or down.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_iam_service_linked_role" "opensearch" {
  count            = var.create_service_linked_role ? 1 : 0
  aws_service_name = "opensearchservice.amazonaws.com"
}

resource "aws_security_group" "this" {
  name        = "${var.domain_name}-opensearch"
  description = "OpenSearch: HTTPS from the platform's tasks only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  # count, not for_each: the groups' ids are only known once created, in the same apply.
  count = length(var.client_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS from the platform's tasks"
  referenced_security_group_id = var.client_security_group_ids[count.index]
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(["index-slow", "search-slow", "application", "audit"])

  name              = "/mercato/${var.domain_name}/opensearch-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:PutLogEvents", "logs:CreateLogStream"]
    resources = [for group in aws_cloudwatch_log_group.this : "${group.arn}:*"]
    principals {
      type        = "Service"
      identifiers = ["es.amazonaws.com"]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  policy_name     = "${var.domain_name}-opensearch-logs"
  policy_document = data.aws_iam_policy_document.logs.json
}

locals {
  zone_count = min(length(var.subnet_ids), var.instance_count, 3)
}

# Fine-grained access control decides who may do what; the resource policy lets the master
# user's requests reach it (the domain is only reachable from inside the VPC anyway).
data "aws_iam_policy_document" "access" {
  #checkov:skip=CKV_AWS_283:With fine-grained access control, AWS recommends an open domain policy: the internal users decide, and the domain is reachable only inside the VPC from the tasks' security group.
  statement {
    actions   = ["es:ESHttp*"]
    resources = ["arn:${data.aws_partition.current.partition}:es:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:domain/${var.domain_name}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_opensearch_domain" "this" {
  domain_name    = var.domain_name
  engine_version = var.engine_version

  cluster_config {
    instance_type          = var.instance_type
    instance_count         = var.instance_count
    zone_awareness_enabled = local.zone_count > 1

    # Three dedicated masters keep the cluster's state through a zone outage and a data
    # node's restart (a quorum of two out of three).
    dedicated_master_enabled = true
    dedicated_master_type    = var.dedicated_master_type
    dedicated_master_count   = 3

    dynamic "zone_awareness_config" {
      for_each = local.zone_count > 1 ? [1] : []
      content {
        availability_zone_count = local.zone_count
      }
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = var.volume_size_gb
  }

  vpc_options {
    subnet_ids         = slice(var.subnet_ids, 0, local.zone_count)
    security_group_ids = [aws_security_group.this.id]
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = var.kms_key_arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }

  advanced_security_options {
    enabled                        = true
    anonymous_auth_enabled         = false
    internal_user_database_enabled = true

    master_user_options {
      master_user_name     = var.master_user_name
      master_user_password = var.master_user_password
    }
  }

  access_policies = data.aws_iam_policy_document.access.json

  log_publishing_options {
    enabled                  = true
    log_type                 = "INDEX_SLOW_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["index-slow"].arn
  }

  log_publishing_options {
    enabled                  = true
    log_type                 = "SEARCH_SLOW_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["search-slow"].arn
  }

  log_publishing_options {
    enabled                  = true
    log_type                 = "ES_APPLICATION_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["application"].arn
  }

  log_publishing_options {
    enabled                  = true
    log_type                 = "AUDIT_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["audit"].arn
  }

  software_update_options {
    auto_software_update_enabled = true
  }

  depends_on = [aws_iam_service_linked_role.opensearch, aws_cloudwatch_log_resource_policy.this]
}
