terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
    # Not a hashicorp provider: a module must name its source, or Terraform looks for hashicorp/ec.
    ec = {
      source = "elastic/ec"
    }
  }
}
