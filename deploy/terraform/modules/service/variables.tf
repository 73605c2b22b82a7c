variable "name" {
  description = "Name prefix (cluster, services, log groups, load balancer)."
  type        = string
}

variable "platform_domain" {
  description = "Stores live at <store>.<platform_domain>; the platform at the apex."
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone of platform_domain (certificate validation records)."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "image" {
  description = "The one image of web, worker and beat: <ecr repository url>:<tag>."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the secrets and log groups."
  type        = string
}

variable "secret_arns" {
  description = "Environment variable name -> Secrets Manager secret ARN, injected into every task."
  type        = map(string)
}

variable "environment" {
  description = "Plain (non-secret) environment of every task."
  type        = map(string)
  default     = {}
}

variable "media_bucket_arn" {
  type = string
}

variable "media_kms_key_arn" {
  type = string
}

variable "logs_bucket_name" {
  description = "Bucket receiving the load balancer's access logs (prefix alb/)."
  type        = string
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "web" {
  description = "Web tasks: size and autoscaling bounds."
  type = object({
    cpu        = number
    memory     = number
    min_count  = number
    max_count  = number
    cpu_target = number
  })
  default = { cpu = 1024, memory = 2048, min_count = 2, max_count = 20, cpu_target = 60 }
}

variable "worker" {
  description = "Celery worker tasks: size, autoscaling bounds, and the backlog per task to aim for."
  type = object({
    cpu                  = number
    memory               = number
    min_count            = number
    max_count            = number
    cpu_target           = number
    queue_depth_per_task = number
  })
  default = { cpu = 1024, memory = 2048, min_count = 2, max_count = 20, cpu_target = 70, queue_depth_per_task = 100 }
}

variable "beat" {
  description = "Celery beat: exactly one task, ever (two would schedule every job twice)."
  type = object({
    cpu    = number
    memory = number
  })
  default = { cpu = 256, memory = 512 }
}

variable "queue_metric_namespace" {
  description = "CloudWatch namespace of the Celery queue depth metric the app publishes."
  type        = string
  default     = "Mercato/Celery"
}

variable "queue_name" {
  type    = string
  default = "celery"
}
