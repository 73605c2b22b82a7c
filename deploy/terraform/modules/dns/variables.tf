variable "zone_id" {
  description = "Route 53 hosted zone of the platform domain."
  type        = string
}

variable "platform_domain" {
  type = string
}

variable "alb_dns_name" {
  type = string
}

variable "alb_zone_id" {
  type = string
}

variable "media_domain" {
  type = string
}

variable "cloudfront_domain_name" {
  type = string
}

variable "cloudfront_zone_id" {
  type = string
}
