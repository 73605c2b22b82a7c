variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 6379 (the ECS tasks)."
  type        = list(string)
}

variable "kms_key_arn" {
  type = string
}

variable "auth_token" {
  description = "Redis AUTH token (16 to 128 printable characters, no @, \" or /)."
  type        = string
  sensitive   = true
}

variable "node_type" {
  type    = string
  default = "cache.m6g.large"
}

variable "replica_count" {
  description = "Replicas beside the primary, each in another zone (automatic failover)."
  type        = number
  default     = 1

  validation {
    condition     = var.replica_count >= 1 && var.replica_count <= 5
    error_message = "At least one replica: failover needs it (at most five)."
  }
}

variable "engine_version" {
  type    = string
  default = "7.1"
}

variable "log_retention_days" {
  type    = number
  default = 365
}
