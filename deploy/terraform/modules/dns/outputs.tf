output "platform_fqdns" {
  value = [for record in aws_route53_record.alb_ipv4 : record.fqdn]
}

output "media_fqdn" {
  value = aws_route53_record.media_ipv4.fqdn
}
