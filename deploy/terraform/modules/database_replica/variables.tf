variable "name" {
  description = "The replica's instance identifier."
  type        = string
}

variable "source_instance_identifier" {
  description = "Identifier of the primary (same region); an ARN for a cross-region replica."
  type        = string
}

variable "instance_class" {
  type    = string
  default = "db.m6g.large"
}

variable "security_group_ids" {
  description = "The primary's security group (the same clients may read)."
  type        = list(string)
}

variable "parameter_group_name" {
  type = string
}

variable "kms_key_arn" {
  type = string
}

variable "monitoring_role_arn" {
  type = string
}

variable "multi_az" {
  description = "A standby for the replica too (doubles its cost)."
  type        = bool
  default     = false
}

variable "availability_zone" {
  description = "Place the replica in another zone than the primary (null: AWS chooses)."
  type        = string
  default     = null
}
