output "issuer" {
  description = "OIDC issuer URL of the user pool (the iss of its tokens)."
  value       = local.issuer
}

output "client_id" {
  description = "App client id (client_id of its access tokens)."
  value       = aws_cognito_user_pool_client.this.id
}

output "oidc_issuers_json" {
  description = "CONDUIT_OIDC_ISSUERS entry for this pool (docs/configuration.md)."
  value = jsonencode([{
    issuer        = local.issuer
    clientId      = aws_cognito_user_pool_client.this.id
    usernameClaim = "username"
  }])
}
