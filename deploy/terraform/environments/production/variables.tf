variable "region" {
  description = "AWS region of the platform."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix of every resource's name."
  type        = string
  default     = "mercato-production"
}

variable "platform_domain" {
  description = "Stores live at <store>.<platform_domain>; its Route 53 hosted zone must exist."
  type        = string
}

variable "availability_zones" {
  description = "Two or three zones of the region."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "image_tag" {
  description = "Tag of the image in the ECR repository this configuration creates (push it first)."
  type        = string
}

variable "alert_emails" {
  description = "Who receives the alarms."
  type        = list(string)
  default     = []
}

variable "support_email" {
  description = "PLATFORM_SUPPORT_EMAIL (empty: support@<platform_domain>)."
  type        = string
  default     = ""
}

variable "email" {
  description = "Outgoing mail (SMTP); its password is the EMAIL_HOST_PASSWORD secret."
  type = object({
    host         = string
    port         = number
    user         = string
    use_tls      = bool
    from_address = string
  })
  default = {
    host         = "email-smtp.eu-west-1.amazonaws.com"
    port         = 587
    user         = ""
    use_tls      = true
    from_address = ""
  }
}

variable "single_nat_gateway" {
  type    = bool
  default = false
}

variable "database" {
  type = object({
    instance_class           = string
    engine_version           = string
    allocated_storage_gb     = number
    max_allocated_storage_gb = number
    backup_retention_days    = number
    max_connections          = number
    replica_enabled          = bool
    replica_instance_class   = string
  })
  default = {
    instance_class           = "db.m6g.large"
    engine_version           = "15.8"
    allocated_storage_gb     = 100
    max_allocated_storage_gb = 1000
    backup_retention_days    = 14
    max_connections          = 400
    replica_enabled          = true
    replica_instance_class   = "db.m6g.large"
  }
}

variable "redis_node_type" {
  type    = string
  default = "cache.m6g.large"
}

variable "ec_api_key" {
  description = "Elastic Cloud API key. Leave unset: export EC_API_KEY (read by the provider); never put it in terraform.tfvars."
  type        = string
  default     = null
  sensitive   = true
}

variable "search" {
  description = "The Elastic Cloud deployment (modules/search)."
  type = object({
    ec_region                = string # Elastic Cloud's id of the region: the VPC's region for PrivateLink
    deployment_template_id   = string
    size                     = string # hot tier's memory per zone at creation
    max_size                 = string # autoscaling's ceiling
    zone_count               = number
    privatelink_service_name = string # "" = over the internet from the NAT gateways' addresses
  })
  default = {
    ec_region                = "eu-west-1"
    deployment_template_id   = "aws-storage-optimized"
    size                     = "4g"
    max_size                 = "32g"
    zone_count               = 2
    privatelink_service_name = ""
  }
}

variable "web" {
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

variable "log_retention_days" {
  description = "CloudWatch log groups' retention (CIS asks for a year)."
  type        = number
  default     = 365
}
