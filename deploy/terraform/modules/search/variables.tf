variable "name" {
  description = "The deployment's and traffic filter's name."
  type        = string
}

variable "environment" {
  description = "Tag of the deployment."
  type        = string
  default     = "production"
}

variable "ec_region" {
  description = "Elastic Cloud's id of the region (eu-west-1, aws-eu-central-2...: Elastic's list of regions). The AWS region of the VPC for PrivateLink."
  type        = string
}

variable "aws_region" {
  description = "The VPC's AWS region (names the PrivateLink zone)."
  type        = string
}

variable "deployment_template_id" {
  description = "Elastic Cloud's hardware profile for the region (aws-storage-optimized: general purpose)."
  type        = string
  default     = "aws-storage-optimized"
}

variable "stack_version_regex" {
  description = "Elastic Stack version: 8.x, the major the app's `elasticsearch` 8 client speaks."
  type        = string
  default     = "^8\\.[0-9]+\\.[0-9]+$"
}

variable "size" {
  description = "Memory per zone of the hot tier at creation (\"4g\"); autoscaling may raise it."
  type        = string
  default     = "4g"
}

variable "max_size" {
  description = "Autoscaling's ceiling for the hot tier's memory per zone."
  type        = string
  default     = "32g"
}

variable "zone_count" {
  description = "Zones the hot tier spans (2 or 3: each index has a replica in another zone)."
  type        = number
  default     = 2
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Private subnets of the PrivateLink endpoint (one per zone)."
  type        = list(string)
}

variable "client_security_group_ids" {
  type = list(string)
}

variable "privatelink_service_name" {
  description = "Elastic's PrivateLink endpoint service of the region (com.amazonaws.vpce.<region>.vpce-svc-...: Elastic's 'AWS PrivateLink' table). Empty: the deployment is reached over the internet from egress_cidrs."
  type        = string
  default     = ""
}

variable "privatelink_domain" {
  description = "Elastic's private hosted zone domain for the region (empty: vpce.<aws_region>.aws.elastic-cloud.com)."
  type        = string
  default     = ""
}

variable "egress_cidrs" {
  description = "Without PrivateLink: the platform's outgoing addresses (the NAT gateways'), as CIDRs."
  type        = list(string)
  default     = []
}
