variable "name" {
  description = "Name prefix; the buckets are <name>-media-<account> and <name>-logs-<account>."
  type        = string
}

variable "media_domain" {
  description = "Host name CloudFront serves media at (e.g. media.example.com)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for media_domain, issued in us-east-1 (CloudFront's requirement)."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Overwritten or deleted media stay recoverable this long."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "price_class" {
  type    = string
  default = "PriceClass_100"
}
