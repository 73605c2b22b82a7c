variable "name" {
  description = "Secrets are named <name>/<VARIABLE>."
  type        = string
}

variable "kms_key_arn" {
  type = string
}

variable "generated" {
  description = "Secrets whose value Terraform composes (connection URLs, the generated SECRET_KEY)."
  type        = map(string)
  sensitive   = true
}

variable "operator_set" {
  description = "Secrets the operator sets after apply (provider keys, SMTP password): created empty."
  type        = list(string)
}

variable "recovery_window_days" {
  type    = number
  default = 30
}
