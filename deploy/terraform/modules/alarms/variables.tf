variable "name" {
  type = string
}

variable "kms_key_arn" {
  description = "Encrypts the SNS topic."
  type        = string
}

variable "alert_emails" {
  description = "Addresses subscribed to the alarm topic (each confirms by e-mail)."
  type        = list(string)
  default     = []
}

variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

variable "db_instance_identifier" {
  type = string
}

variable "db_allocated_storage_gb" {
  type = number
}

variable "certificate_arns" {
  description = "ACM certificates whose expiry is watched (name -> ARN)."
  type        = map(string)
}

variable "queue_metric_namespace" {
  type    = string
  default = "Mercato/Celery"
}

variable "queue_name" {
  type    = string
  default = "celery"
}

variable "thresholds" {
  description = "When to wake someone."
  type = object({
    error_rate_percent  = number
    p95_latency_seconds = number
    queue_backlog       = number
    db_cpu_percent      = number
    db_free_storage_pct = number
    certificate_days    = number
  })
  default = {
    error_rate_percent  = 2
    p95_latency_seconds = 1
    queue_backlog       = 1000
    db_cpu_percent      = 80
    db_free_storage_pct = 15
    certificate_days    = 21
  }
}
