# The alarms that wake someone, into one SNS topic (e-mail here; PagerDuty or Opsgenie subscribe
# to the same topic). Each says why it matters in its description.

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  actions = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "More than ${var.thresholds.error_rate_percent}% of requests answered 5xx for 5 minutes: shoppers see errors."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.error_rate_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  # A minute without errors has no 5xx data point: FILL counts it as 0.
  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * (FILL(errors_app, 0) + FILL(errors_lb, 0)) / requests, 0)"
    label       = "5xx per 100 requests"
    return_data = true
  }

  metric_query {
    id = "errors_app"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "errors_lb"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "p95_latency" {
  alarm_name          = "${var.name}-p95-latency"
  alarm_description   = "The 95th percentile of response times above ${var.thresholds.p95_latency_seconds}s for 10 minutes: pages are slow."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 10
  datapoints_to_alarm = 8
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.p95_latency_seconds
  treat_missing_data  = "notBreaching"
  dimensions = {
    LoadBalancer = var.alb_arn_suffix
    TargetGroup  = var.target_group_arn_suffix
  }
  alarm_actions = local.actions
  ok_actions    = local.actions
}

resource "aws_cloudwatch_metric_alarm" "queue_backlog" {
  alarm_name          = "${var.name}-queue-backlog"
  alarm_description   = "Over ${var.thresholds.queue_backlog} Celery tasks waiting for 15 minutes: e-mails, webhooks and indexing lag although workers scale out."
  namespace           = var.queue_metric_namespace
  metric_name         = "QueueDepth"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.queue_backlog
  # No data means the publisher (beat's publish-queue-depth job, every minute) stopped: that
  # is itself worth waking someone for.
  treat_missing_data = "breaching"
  dimensions         = { Queue = var.queue_name }
  alarm_actions      = local.actions
  ok_actions         = local.actions
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "${var.name}-rds-cpu"
  alarm_description   = "PostgreSQL above ${var.thresholds.db_cpu_percent}% CPU for 15 minutes."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.db_cpu_percent
  dimensions          = { DBInstanceIdentifier = var.db_instance_identifier }
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "db_storage" {
  alarm_name          = "${var.name}-rds-free-storage"
  alarm_description   = "PostgreSQL has less than ${var.thresholds.db_free_storage_pct}% of its storage free (autoscaling may have reached its ceiling)."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "LessThanThreshold"
  threshold           = var.db_allocated_storage_gb * 1073741824 * var.thresholds.db_free_storage_pct / 100
  dimensions          = { DBInstanceIdentifier = var.db_instance_identifier }
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# ACM renews DNS-validated certificates by itself; this fires when renewal is stuck (a
# validation record removed, a custom domain's DNS moved away).
resource "aws_cloudwatch_metric_alarm" "certificate_expiry" {
  for_each = var.certificate_arns

  alarm_name          = "${var.name}-certificate-expiry-${each.key}"
  alarm_description   = "The ${each.key} certificate expires in under ${var.thresholds.certificate_days} days: ACM did not renew it."
  namespace           = "AWS/CertificateManager"
  metric_name         = "DaysToExpiry"
  statistic           = "Minimum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = var.thresholds.certificate_days
  treat_missing_data  = "missing"
  dimensions          = { CertificateArn = each.value }
  alarm_actions       = local.actions
  ok_actions          = local.actions
}
