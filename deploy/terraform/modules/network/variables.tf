variable "name" {
  description = "Name prefix of every resource (e.g. mercato-production)."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's address range; split into one public and one private /20 per zone."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Two or three availability zones of the region."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "Give two or three availability zones."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for every zone (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "How long the VPC flow logs are kept."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key encrypting the flow log group."
  type        = string
}
