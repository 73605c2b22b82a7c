# The platform's processes on ECS Fargate, all from one image (deploy/Dockerfile): web (gunicorn
# behind the load balancer), worker (Celery) and beat (Celery's scheduler, a single task).
# Secrets come from Secrets Manager into the environment at start; logs go to CloudWatch.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region = data.aws_region.current.name
  plain_environment = merge(var.environment, {
    # Where tenants.certificates attaches custom domains' certificates once ACM issued them.
    CUSTOM_DOMAIN_LISTENER_ARN = aws_lb_listener.https.arn
  })
  # Empty values are left out: settings.py then uses its own default (an empty variable would
  # count as set).
  environment = [
    for key in sort(keys(local.plain_environment)) : { name = key, value = local.plain_environment[key] }
    if local.plain_environment[key] != ""
  ]
  secrets = [
    for key in sort(keys(var.secret_arns)) : { name = key, valueFrom = var.secret_arns[key] }
  ]
  # prometheus_client's multiprocess directory (every gunicorn worker and Celery pool process
  # writes its metrics there, /metrics sums them): a scratch volume of the task, as the root
  # filesystem is read-only (Fargate has no tmpfs mounts), empty when the task starts.
  prometheus_multiproc_dir = "/run/prometheus"
  # The container's own check (the image's HEALTHCHECK is ignored by ECS): liveness only.
  web_health_check = {
    command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
    interval    = 30
    timeout     = 5
    retries     = 3
    startPeriod = 60
  }
  processes = {
    web = {
      command = ["gunicorn", "--config", "deploy/gunicorn.conf.py", "sourceroot:wsgi_application"]
      cpu     = var.web.cpu
      memory  = var.web.memory
      port    = 8000
    }
    worker = {
      command = ["celery", "-A", "sourceroot:celery_app", "worker", "--loglevel", "INFO", "--queues", var.queue_name]
      cpu     = var.worker.cpu
      memory  = var.worker.memory
      port    = null
    }
    beat = {
      # The schedule file lives on the task's scratch volume: beat's state is the schedule in
      # code, so a new task starting empty loses nothing.
      command = ["celery", "-A", "sourceroot:celery_app", "beat", "--loglevel", "INFO", "--schedule", "/tmp/celerybeat-schedule"]
      cpu     = var.beat.cpu
      memory  = var.beat.memory
      port    = null
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "process" {
  for_each = local.processes

  name              = "/mercato/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# --- Roles ----------------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# The execution role is ECS's own: it pulls the image, reads the secrets, writes the logs.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(var.secret_arns)
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "read-platform-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

# The task role is the application's: media in S3, custom domains' certificates (ACM and the
# HTTPS listener), the queue depth metric.
resource "aws_iam_role" "task" {
  name               = "${var.name}-ecs-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  #checkov:skip=CKV_AWS_111:acm:RequestCertificate and ssmmessages (ECS Exec) cannot be scoped to resources; the other ACM actions are limited to this account's certificates, PutMetricData to one namespace.
  #checkov:skip=CKV_AWS_356:acm:RequestCertificate and ssmmessages (ECS Exec) accept only "*" as resource (see CKV_AWS_111).
  statement {
    sid       = "MediaObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion"]
    resources = ["${var.media_bucket_arn}/*"]
  }
  statement {
    sid       = "MediaListing"
    actions   = ["s3:ListBucket"]
    resources = [var.media_bucket_arn]
  }
  statement {
    sid       = "MediaEncryption"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.media_kms_key_arn]
  }
  statement {
    sid     = "RequestCustomDomainCertificates"
    actions = ["acm:RequestCertificate", "acm:AddTagsToCertificate"]
    # ACM's RequestCertificate cannot be limited to an ARN that does not exist yet.
    resources = ["*"]
  }
  statement {
    sid       = "ManageCustomDomainCertificates"
    actions   = ["acm:DescribeCertificate", "acm:DeleteCertificate"]
    resources = ["arn:aws:acm:${local.region}:${data.aws_caller_identity.current.account_id}:certificate/*"]
  }
  statement {
    sid       = "CustomDomainListener"
    actions   = ["elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates"]
    resources = [aws_lb_listener.https.arn]
  }
  statement {
    sid       = "QueueDepthMetric"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.queue_metric_namespace]
    }
  }
  statement {
    sid = "ExecCommand"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "mercato-application"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# --- Task definitions: one image, three commands --------------------------------------------

resource "aws_ecs_task_definition" "process" {
  for_each = local.processes

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # The root filesystem is read-only; /tmp (uploads in flight, beat's schedule) and the
  # Prometheus multiprocess directory are scratch volumes (the image declares both, so that
  # they are writable by its user).
  volume {
    name = "tmp"
  }

  volume {
    name = "prometheus"
  }

  container_definitions = jsonencode([
    merge({
      name                   = each.key
      image                  = var.image
      essential              = true
      command                = each.value.command
      readonlyRootFilesystem = true
      user                   = "10001:10001"
      environment = concat(local.environment, [
        { name = "MERCATO_PROCESS", value = each.key },
        { name = "PROMETHEUS_MULTIPROC_DIR", value = local.prometheus_multiproc_dir },
      ])
      secrets = local.secrets
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
        { sourceVolume = "prometheus", containerPath = local.prometheus_multiproc_dir, readOnly = false },
      ]
      portMappings    = each.value.port == null ? [] : [{ containerPort = each.value.port, protocol = "tcp" }]
      stopTimeout     = each.key == "worker" ? 120 : 30
      linuxParameters = { initProcessEnabled = true }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.process[each.key].name
          awslogs-region        = local.region
          awslogs-stream-prefix = each.key
        }
      }
    }, each.key == "web" ? { healthCheck = local.web_health_check } : {})
  ])
}

# --- Security groups --------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Load balancer: HTTP and HTTPS from the internet"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:Port 80 only answers a 301 to HTTPS (aws_lb_listener.http); browsers typing a store's name start there.
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere, answered with a redirect to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the web tasks"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = 8000
  to_port                      = 8000
}

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "Web, worker and beat tasks"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "gunicorn from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 8000
  to_port                      = 8000
}

# Tasks call out to the database, Redis, Elastic Cloud (its PrivateLink endpoint in the VPC),
# payment providers, ECR, Secrets Manager, ACM (on the internet, through NAT): HTTPS and the
# VPC's own services.
resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs and payment providers"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_postgres" {
  security_group_id = aws_security_group.tasks.id
  description       = "PostgreSQL in the VPC"
  cidr_ipv4         = data.aws_vpc.this.cidr_block
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}

resource "aws_vpc_security_group_egress_rule" "tasks_redis" {
  security_group_id = aws_security_group.tasks.id
  description       = "Redis in the VPC"
  cidr_ipv4         = data.aws_vpc.this.cidr_block
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
}

resource "aws_vpc_security_group_egress_rule" "tasks_smtp" {
  security_group_id = aws_security_group.tasks.id
  description       = "SMTP submission (outgoing mail)"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 587
  to_port           = 587
}

data "aws_vpc" "this" {
  id = var.vpc_id
}

# --- Certificate: the apex and every store's subdomain --------------------------------------

resource "aws_acm_certificate" "platform" {
  domain_name               = var.platform_domain
  subject_alternative_names = ["*.${var.platform_domain}"]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by domain name (known at plan time). The apex and the wildcard share one validation
# record, so the second write of it overwrites the first with the same value.
resource "aws_route53_record" "certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.platform.domain_validation_options : option.domain_name => {
      name   = option.resource_record_name
      type   = option.resource_record_type
      record = option.resource_record_value
    }
  }

  zone_id         = var.zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "platform" {
  certificate_arn         = aws_acm_certificate.platform.arn
  validation_record_fqdns = [for record in aws_route53_record.certificate_validation : record.fqdn]
}

# --- Load balancer --------------------------------------------------------------------------

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_20:HTTP listener exists only to redirect to HTTPS (see aws_lb_listener.http).
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  idle_timeout               = 60

  access_logs {
    bucket  = var.logs_bucket_name
    prefix  = "alb"
    enabled = true
  }
}

resource "aws_lb_target_group" "web" {
  name                 = "${var.name}-web"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  # /healthz answers whatever the Host header (load balancers probe by IP) and checks nothing
  # else, so a slow dependency never takes every task out of the pool at once.
  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "http" {
  #checkov:skip=CKV_AWS_2:This listener only redirects to HTTPS.
  #checkov:skip=CKV_AWS_103:This listener only redirects to HTTPS; TLS policy applies to the HTTPS listener.
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.platform.certificate_arn

  # Any host reaches the app: custom domains of stores are not known here; the app answers
  # only hosts of a live store (tenants.middleware) and 404s the rest.
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

# /metrics is scraped inside the VPC, never served to the internet.
resource "aws_lb_listener_rule" "metrics_private" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }

  condition {
    path_pattern {
      values = ["/metrics", "/metrics/*"]
    }
  }
}

# The platform and its stores' subdomains go to the web tasks (the default does too; this rule
# names them so a future rule for another host cannot take them by accident).
resource "aws_lb_listener_rule" "platform_hosts" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    host_header {
      values = [var.platform_domain, "*.${var.platform_domain}"]
    }
  }
}

# --- WAF: AWS's managed rules in front of the load balancer ---------------------------------

resource "aws_wafv2_web_acl" "this" {
  name  = var.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "common"
    priority = 10
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
        # Product imports and images are uploaded in the request body.
        rule_action_override {
          name = "SizeRestrictions_BODY"
          action_to_use {
            count {}
          }
        }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "known-bad-inputs"
    priority = 20
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  # Anonymous IPs (VPNs, Tor, hosting providers) are counted, not blocked: shoppers use VPNs
  # and merchants' integrations run on cloud servers. The metric shows whether to block later.
  rule {
    name     = "anonymous-ip"
    priority = 30
    override_action {
      count {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesAnonymousIpList"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-anonymous-ip"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}

resource "aws_cloudwatch_log_group" "waf" {
  # WAF only writes to log groups whose name starts with aws-waf-logs-.
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}

# --- Services ---------------------------------------------------------------------------------

resource "aws_ecs_service" "web" {
  name                               = "web"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.process["web"].arn
  desired_count                      = var.web.min_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = true
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Autoscaling owns the count once the service exists.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.https]
}

resource "aws_ecs_service" "worker" {
  name                               = "worker"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.process["worker"].arn
  desired_count                      = var.worker.min_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  enable_execute_command             = true
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_ecs_service" "beat" {
  name            = "beat"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.process["beat"].arn
  desired_count   = 1
  launch_type     = "FARGATE"
  # Stop the old beat before starting the new one: never two schedulers at once.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
  enable_execute_command             = true
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }
}

# --- Autoscaling ----------------------------------------------------------------------------

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.web.min_count
  max_capacity       = var.web.max_count
}

resource "aws_appautoscaling_policy" "web_cpu" {
  name               = "${var.name}-web-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.web.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.worker.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.worker.min_count
  max_capacity       = var.worker.max_count
}

resource "aws_appautoscaling_policy" "worker_cpu" {
  name               = "${var.name}-worker-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.worker.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# Queue depth per worker task: the backlog divided by the running workers, held near the
# target. The backlog (namespace var.queue_metric_namespace, QueueDepth, dimension Queue) is
# published every minute by beat's publish-queue-depth job (tenants/queue_metrics.py; the
# tasks' role may PutMetricData in that namespace only).
resource "aws_appautoscaling_policy" "worker_queue_depth" {
  name               = "${var.name}-worker-queue-depth"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.worker.queue_depth_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id          = "backlog"
        label       = "Celery queue depth"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = var.queue_metric_namespace
            metric_name = "QueueDepth"
            dimensions {
              name  = "Queue"
              value = var.queue_name
            }
          }
        }
      }

      metrics {
        id          = "workers"
        label       = "Running worker tasks"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.worker.name
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_task"
        label       = "Queue depth per worker task"
        expression  = "backlog / IF(workers > 0, workers, 1)"
        return_data = true
      }
    }
  }
}
