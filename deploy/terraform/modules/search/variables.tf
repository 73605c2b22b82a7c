variable "domain_name" {
  description = "OpenSearch domain name (3-28 lowercase letters, digits, hyphens)."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "One private subnet per zone the domain spans (as many as instance_count allows)."
  type        = list(string)
}

variable "client_security_group_ids" {
  type = list(string)
}

variable "kms_key_arn" {
  type = string
}

variable "engine_version" {
  type    = string
  default = "OpenSearch_2.13"
}

variable "instance_type" {
  type    = string
  default = "m6g.large.search"
}

variable "dedicated_master_type" {
  type    = string
  default = "m6g.large.search"
}

variable "instance_count" {
  type    = number
  default = 2
}

variable "volume_size_gb" {
  type    = number
  default = 50
}

variable "master_user_name" {
  type    = string
  default = "mercato"
}

variable "master_user_password" {
  description = "Fine-grained access control's internal master user (8+ chars, upper, lower, digit, symbol)."
  type        = string
  sensitive   = true
}

variable "create_service_linked_role" {
  description = "Create the account's OpenSearch service-linked role (once per account; false when it exists)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  type    = number
  default = 365
}
