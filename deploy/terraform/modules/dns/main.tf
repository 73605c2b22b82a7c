# The platform's names: the apex (the platform: signup, platform admin) and every store's
# subdomain (*.<domain>) point at the load balancer; media.<domain> at CloudFront. Alias records
# (A and AAAA) follow the targets' addresses and cost no queries.

locals {
  alb_names = toset([var.platform_domain, "*.${var.platform_domain}"])
}

resource "aws_route53_record" "alb_ipv4" {
  for_each = local.alb_names

  zone_id = var.zone_id
  name    = each.value
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "media_ipv4" {
  zone_id = var.zone_id
  name    = var.media_domain
  type    = "A"

  alias {
    name                   = var.cloudfront_domain_name
    zone_id                = var.cloudfront_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "media_ipv6" {
  zone_id = var.zone_id
  name    = var.media_domain
  type    = "AAAA"

  alias {
    name                   = var.cloudfront_domain_name
    zone_id                = var.cloudfront_zone_id
    evaluate_target_health = false
  }
}

# No certificate authority but Amazon's may issue certificates for the platform's names.
resource "aws_route53_record" "caa" {
  zone_id = var.zone_id
  name    = var.platform_domain
  type    = "CAA"
  ttl     = 3600
  records = [
    "0 issue \"amazon.com\"",
    "0 issuewild \"amazon.com\"",
  ]
}
