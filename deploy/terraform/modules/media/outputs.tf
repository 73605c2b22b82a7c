output "bucket_name" {
  description = "AWS_STORAGE_BUCKET_NAME"
  value       = aws_s3_bucket.media.bucket
}

output "bucket_arn" {
  value = aws_s3_bucket.media.arn
}

output "kms_key_arn" {
  description = "The tasks need kms:GenerateDataKey/Decrypt on it to write and read media."
  value       = aws_kms_key.media.arn
}

output "logs_bucket_name" {
  value = aws_s3_bucket.logs.bucket
}

output "distribution_domain_name" {
  value = aws_cloudfront_distribution.media.domain_name
}

output "distribution_hosted_zone_id" {
  value = aws_cloudfront_distribution.media.hosted_zone_id
}

output "distribution_arn" {
  value = aws_cloudfront_distribution.media.arn
}
