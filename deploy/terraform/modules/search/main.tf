# Elasticsearch on Elastic Cloud (Elastic's hosted service, through its official provider
# elastic/ec), not Amazon OpenSearch Service: the app's search backend uses the official
# `elasticsearch` 8 client, which refuses any server that does not answer as Elasticsearch (its
# product check, the X-Elastic-Product header). OpenSearch does not, so the app would silently
# fall back to PostgreSQL search on an OpenSearch domain.
#
# The deployment is reachable only through a traffic filter: over AWS PrivateLink from the VPC
# (an interface endpoint to Elastic's endpoint service in the same region, with a private
# hosted zone naming the deployment) when `privatelink_service_name` is set, else from the NAT
# gateways' public addresses (TLS over the internet). Elastic Cloud encrypts data at rest and
# between nodes itself, takes snapshots every 30 minutes, and spreads the hot tier over
# `zone_count` zones. The app falls back to PostgreSQL search when the cluster is slow or down.

locals {
  privatelink = var.privatelink_service_name != ""
  # Elastic's private hosted zone for PrivateLink: <alias>.es.vpce.<region>.aws.elastic-cloud.com
  privatelink_domain = coalesce(var.privatelink_domain, "vpce.${var.aws_region}.aws.elastic-cloud.com")
}

data "ec_stack" "this" {
  version_regex = var.stack_version_regex
  region        = var.ec_region
  # The version found first is kept in the state: an apply never upgrades the cluster by itself
  # (change the regex, or upgrade in Elastic's console, deliberately).
  lock = true
}

# --- Who may reach the deployment ---------------------------------------------------------------

resource "aws_security_group" "privatelink" {
  count = local.privatelink ? 1 : 0

  name        = "${var.name}-elastic-privatelink"
  description = "Elastic Cloud PrivateLink endpoint: HTTPS from the platform's tasks only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "privatelink" {
  # count, not for_each: the groups' ids are only known once created, in the same apply.
  count = local.privatelink ? length(var.client_security_group_ids) : 0

  security_group_id            = aws_security_group.privatelink[0].id
  description                  = "HTTPS from the platform's tasks"
  referenced_security_group_id = var.client_security_group_ids[count.index]
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_endpoint" "elastic" {
  count = local.privatelink ? 1 : 0

  vpc_id              = var.vpc_id
  service_name        = var.privatelink_service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.privatelink[0].id]
  private_dns_enabled = false # Elastic's service has no private DNS name: the zone below names it
}

resource "aws_route53_zone" "privatelink" {
  count = local.privatelink ? 1 : 0

  name    = local.privatelink_domain
  comment = "Elastic Cloud over PrivateLink (${var.name})"

  vpc {
    vpc_id = var.vpc_id
  }
}

resource "aws_route53_record" "privatelink" {
  count = local.privatelink ? 1 : 0

  zone_id = aws_route53_zone.privatelink[0].zone_id
  name    = "*.${local.privatelink_domain}"
  type    = "CNAME"
  ttl     = 60
  records = [aws_vpc_endpoint.elastic[0].dns_entry[0].dns_name]
}

resource "ec_deployment_traffic_filter" "this" {
  name        = "${var.name}-search"
  region      = var.ec_region
  type        = local.privatelink ? "vpce" : "ip"
  description = local.privatelink ? "The platform's VPC endpoint" : "The platform's NAT gateways"

  dynamic "rule" {
    for_each = local.privatelink ? [aws_vpc_endpoint.elastic[0].id] : var.egress_cidrs
    content {
      source = rule.value
    }
  }
}

# --- The deployment -------------------------------------------------------------------------

resource "ec_deployment" "this" {
  name                   = var.name
  region                 = var.ec_region
  version                = data.ec_stack.this.version
  deployment_template_id = var.deployment_template_id

  # The deployment's whole set of filters (Terraform treats others as drift).
  traffic_filter = [ec_deployment_traffic_filter.this.id]

  elasticsearch = {
    # The hot tier holds every store's index; it grows by itself up to max_size.
    autoscale = true
    hot = {
      size       = var.size
      zone_count = var.zone_count
      autoscaling = {
        max_size          = var.max_size
        max_size_resource = "memory"
      }
    }
  }

  # Elastic recommends a Kibana block (upgrades and changes of the deployment expect one); one
  # small instance, behind the same traffic filter, for looking at the indexes.
  kibana = {
    zone_count = 1
  }

  tags = {
    project     = "mercato"
    environment = var.environment
  }

  lifecycle {
    # The autoscaler changes the hot tier's size; the next apply must not shrink it back.
    ignore_changes = [elasticsearch.hot.size]
  }
}

locals {
  # https_endpoint is https://<alias>.es.<region's domain>[:443]; over PrivateLink the same
  # deployment answers as <alias>.es.<PrivateLink domain> (the proxy routes by that name).
  public_host = split(":", split("://", ec_deployment.this.elasticsearch.https_endpoint)[1])[0]
  host        = local.privatelink ? "${split(".", local.public_host)[0]}.es.${local.privatelink_domain}" : local.public_host
}
