output "url" {
  description = "ELASTICSEARCH_URL: https://<user>:<password>@<host>:443 (the elastic user; the client reads the credentials from the URL)."
  value       = "https://${ec_deployment.this.elasticsearch_username}:${urlencode(ec_deployment.this.elasticsearch_password)}@${local.host}:443"
  sensitive   = true
}

output "endpoint" {
  description = "The host name the platform's tasks reach the deployment at (HTTPS, port 443)."
  value       = local.host
}

output "deployment_id" {
  value = ec_deployment.this.id
}

output "kibana_endpoint" {
  description = "Kibana (behind the same traffic filter)."
  value       = ec_deployment.this.kibana.https_endpoint
}
