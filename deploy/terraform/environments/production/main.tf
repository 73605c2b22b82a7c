# Mercato in production on AWS: one root, the modules of ../../modules wired together.
# Order of the pieces (Terraform works it out; this is for the reader): network -> KMS key ->
# database, cache, search (Elastic Cloud), media -> secrets (connection URLs) -> service (ECS,
# load balancer, certificate) -> DNS -> alarms.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "mercato"
      Environment = "production"
      ManagedBy   = "terraform"
    }
  }
}

# CloudFront only uses certificates issued in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      Project     = "mercato"
      Environment = "production"
      ManagedBy   = "terraform"
    }
  }
}

# Elastic Cloud, for the search cluster (modules/search). Its API key comes from the
# environment (export EC_API_KEY=...), never from terraform.tfvars: var.ec_api_key stays null
# unless set as TF_VAR_ec_api_key, and the provider then reads EC_API_KEY itself.
provider "ec" {
  apikey = var.ec_api_key
}

data "aws_caller_identity" "current" {}

data "aws_route53_zone" "platform" {
  name         = var.platform_domain
  private_zone = false
}

locals {
  media_domain = "media.${var.platform_domain}"
  queue_name   = "celery"
}

# --- One KMS key for the platform's data at rest ------------------------------------------------

data "aws_iam_policy_document" "platform_key" {
  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself (AWS's default key policy); the account root delegates to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself (AWS's default key policy); the account root delegates to IAM.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself; nothing else can be named in a key policy.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts the log groups with it (the service is not an IAM principal of the
  # account, so the key policy must name it).
  statement {
    sid = "CloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted SNS topic.
  statement {
    sid       = "CloudWatchAlarmsToSns"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "platform" {
  description             = "${var.name}: database, cache, secrets, logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.platform_key.json
}

resource "aws_kms_alias" "platform" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.platform.key_id
}

# --- Generated credentials (kept in the encrypted state and in Secrets Manager) --------------

resource "random_password" "database" {
  length  = 40
  special = false # it sits inside DATABASE_URL
}

resource "random_password" "redis" {
  length  = 64
  special = false # AUTH tokens refuse @, " and /; letters and digits are safe in REDIS_URL
}

resource "random_password" "secret_key" {
  length  = 64
  special = false
}

# Fernet key: 32 random bytes, URL-safe base64 with its padding.
resource "random_id" "encryption_key" {
  byte_length = 32
}

# --- Network and data stores ----------------------------------------------------------------

module "network" {
  source = "../../modules/network"

  name               = var.name
  availability_zones = var.availability_zones
  single_nat_gateway = var.single_nat_gateway
  kms_key_arn        = aws_kms_key.platform.arn
}

module "database" {
  source = "../../modules/database"

  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.service.tasks_security_group_id]
  kms_key_arn               = aws_kms_key.platform.arn
  engine_version            = var.database.engine_version
  instance_class            = var.database.instance_class
  allocated_storage_gb      = var.database.allocated_storage_gb
  max_allocated_storage_gb  = var.database.max_allocated_storage_gb
  backup_retention_days     = var.database.backup_retention_days
  max_connections           = var.database.max_connections
  master_password           = random_password.database.result
  log_retention_days        = var.log_retention_days
}

module "database_replica" {
  source = "../../modules/database_replica"
  count  = var.database.replica_enabled ? 1 : 0

  name                       = "${var.name}-replica"
  source_instance_identifier = module.database.instance_identifier
  instance_class             = var.database.replica_instance_class
  security_group_ids         = [module.database.security_group_id]
  parameter_group_name       = module.database.parameter_group_name
  kms_key_arn                = aws_kms_key.platform.arn
  monitoring_role_arn        = module.database.monitoring_role_arn
}

module "cache" {
  source = "../../modules/cache"

  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.service.tasks_security_group_id]
  kms_key_arn               = aws_kms_key.platform.arn
  auth_token                = random_password.redis.result
  node_type                 = var.redis_node_type
  log_retention_days        = var.log_retention_days
}

# Elasticsearch on Elastic Cloud, not Amazon OpenSearch Service: the app's `elasticsearch` 8
# client refuses a server that does not answer as Elasticsearch (see modules/search).
module "search" {
  source = "../../modules/search"

  name                      = var.name
  ec_region                 = var.search.ec_region
  aws_region                = var.region
  deployment_template_id    = var.search.deployment_template_id
  size                      = var.search.size
  max_size                  = var.search.max_size
  zone_count                = var.search.zone_count
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.service.tasks_security_group_id]
  privatelink_service_name  = var.search.privatelink_service_name
  # Used only without PrivateLink: the tasks reach the internet through these.
  egress_cidrs = [for address in module.network.nat_public_ips : "${address}/32"]
}

resource "aws_acm_certificate" "media" {
  provider = aws.us_east_1

  domain_name       = local.media_domain
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "media_certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.media.domain_validation_options : option.domain_name => {
      name   = option.resource_record_name
      type   = option.resource_record_type
      record = option.resource_record_value
    }
  }

  zone_id         = data.aws_route53_zone.platform.zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "media" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.media.arn
  validation_record_fqdns = [for record in aws_route53_record.media_certificate_validation : record.fqdn]
}

module "media" {
  source = "../../modules/media"

  name               = var.name
  media_domain       = local.media_domain
  certificate_arn    = aws_acm_certificate_validation.media.certificate_arn
  log_retention_days = var.log_retention_days
}

# --- Secrets --------------------------------------------------------------------------------

module "secrets" {
  source = "../../modules/secrets"

  name        = var.name
  kms_key_arn = aws_kms_key.platform.arn

  generated = {
    DATABASE_URL = "postgres://${module.database.username}:${random_password.database.result}@${module.database.address}:${module.database.port}/${module.database.database_name}?sslmode=require"
    # rediss: TLS to ElastiCache; Celery's Redis transport needs the certificate policy spelled out.
    REDIS_URL               = "rediss://:${random_password.redis.result}@${module.cache.primary_endpoint_address}:${module.cache.port}/0?ssl_cert_reqs=required"
    ELASTICSEARCH_URL       = module.search.url # the deployment's elastic user, over PrivateLink
    SECRET_KEY              = random_password.secret_key.result
    MERCATO_ENCRYPTION_KEYS = "${random_id.encryption_key.b64_url}="
  }

  # The README's Configuration table's other secrets (and STRIPE_CONNECT_WEBHOOK_SECRET).
  operator_set = [
    "EMAIL_HOST_PASSWORD",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_CONNECT_WEBHOOK_SECRET",
  ]
}

# --- Image registry -------------------------------------------------------------------------

resource "aws_ecr_repository" "mercato" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.platform.arn
  }
}

resource "aws_ecr_lifecycle_policy" "mercato" {
  repository = aws_ecr_repository.mercato.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 50 newest images (rollbacks), expire older ones"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = 50
      }
      action = { type = "expire" }
    }]
  })
}

# --- Containers, load balancer, certificate -------------------------------------------------

module "service" {
  source = "../../modules/service"

  name               = var.name
  platform_domain    = var.platform_domain
  zone_id            = data.aws_route53_zone.platform.zone_id
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids
  image              = "${aws_ecr_repository.mercato.repository_url}:${var.image_tag}"
  kms_key_arn        = aws_kms_key.platform.arn
  secret_arns        = module.secrets.arns
  media_bucket_arn   = module.media.bucket_arn
  media_kms_key_arn  = module.media.kms_key_arn
  logs_bucket_name   = module.media.logs_bucket_name
  log_retention_days = var.log_retention_days
  web                = var.web
  worker             = var.worker
  queue_name         = local.queue_name

  environment = {
    DEBUG                     = "0"
    PLATFORM_DOMAIN           = var.platform_domain
    PLATFORM_URL_SCHEME       = "https"
    PLATFORM_SUPPORT_EMAIL    = var.support_email
    TRUSTED_PROXY_COUNT       = "1" # the load balancer appends to X-Forwarded-For
    LOG_FORMAT                = "json"
    LOG_LEVEL                 = "INFO"
    AWS_STORAGE_BUCKET_NAME   = module.media.bucket_name
    AWS_S3_REGION_NAME        = var.region
    AWS_S3_CUSTOM_DOMAIN      = local.media_domain
    EMAIL_BACKEND             = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST                = var.email.host
    EMAIL_PORT                = tostring(var.email.port)
    EMAIL_HOST_USER           = var.email.user
    EMAIL_USE_TLS             = var.email.use_tls ? "1" : "0"
    DEFAULT_FROM_EMAIL        = var.email.from_address
    CELERY_TASK_DEFAULT_QUEUE = local.queue_name
    QUEUE_METRICS_NAMESPACE   = "Mercato/Celery" # tenants.queue_metrics, read by the autoscaling
    # Custom domains' certificates (tenants.certificates): ACM, attached to the HTTPS listener
    # (the service module adds CUSTOM_DOMAIN_LISTENER_ARN, as it creates the listener).
    CUSTOM_DOMAIN_CERTIFICATES = "acm"
    AWS_DEFAULT_REGION         = var.region
  }
}

# --- DNS and alarms -------------------------------------------------------------------------

module "dns" {
  source = "../../modules/dns"

  zone_id                = data.aws_route53_zone.platform.zone_id
  platform_domain        = var.platform_domain
  alb_dns_name           = module.service.alb_dns_name
  alb_zone_id            = module.service.alb_zone_id
  media_domain           = local.media_domain
  cloudfront_domain_name = module.media.distribution_domain_name
  cloudfront_zone_id     = module.media.distribution_hosted_zone_id
}

module "alarms" {
  source = "../../modules/alarms"

  name                    = var.name
  kms_key_arn             = aws_kms_key.platform.arn
  alert_emails            = var.alert_emails
  alb_arn_suffix          = module.service.alb_arn_suffix
  target_group_arn_suffix = module.service.target_group_arn_suffix
  db_instance_identifier  = module.database.instance_identifier
  db_allocated_storage_gb = var.database.allocated_storage_gb
  queue_name              = local.queue_name
  # ACM publishes DaysToExpiry in the certificate's region: the media certificate (us-east-1,
  # for CloudFront) is not watched from here; ACM renews it as long as its DNS record stays.
  certificate_arns = {
    platform = module.service.certificate_arn
  }
}
