terraform {
  # 1.10+: the S3 backend locks state with a lock file in the bucket (use_lockfile).
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    # Elastic Cloud (the search cluster). Pre-1.0: minor versions may change the schema.
    ec = {
      source  = "elastic/ec"
      version = "~> 0.12.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Partial configuration: the bucket and key come from backend.hcl (see backend.hcl.example):
  #   terraform init -backend-config=backend.hcl
  backend "s3" {}
}
