# The application user's credentials. Created here with a random password; the role itself is created once in
# PostgreSQL by the bootstrap step in docs/deploy-aws.md ("Database users"), and rotated with the alternating-users
# procedure there, so that live connection pools never hold a password that has just stopped working.

resource "random_password" "app" {
  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "app" {
  name_prefix             = "${var.name}/db-app-"
  description             = "PostgreSQL login of the Conduit API and workers (through RDS Proxy)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.deletion_protection ? 30 : 0
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    engine   = "postgres"
    username = var.app_username
    password = random_password.app.result
    dbname   = var.database_name
    port     = local.port
  })

  # rotation (alternating users) rewrites the value; Terraform must not put the first password back
  lifecycle {
    ignore_changes = [secret_string]
  }
}

locals {
  owner_secret_arn = local.aurora ? aws_rds_cluster.this[0].master_user_secret[0].secret_arn : aws_db_instance.primary[0].master_user_secret[0].secret_arn
}
