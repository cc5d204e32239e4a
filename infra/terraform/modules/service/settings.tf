# Every container's environment and secrets come from deploy/settings.yaml: nothing below names a CONDUIT_*
# variable. A setting applies to the roles it lists; its `aws` value is a literal, `infra:<key>` (from
# var.infra_values; null leaves the variable out) or `secret:<key>` (from var.secret_refs; null leaves it out).

locals {
  settings_file = yamldecode(file(var.settings_file))
  all_settings  = merge(local.settings_file.settings, local.settings_file.platform)
  roles         = ["api", "worker", "migrate"]

  # role => { NAME => raw aws value }
  role_values = {
    for role in local.roles : role => {
      for name, setting in local.all_settings :
      name => try(tostring(setting.aws[role]), tostring(setting.aws))
      if contains(try(setting.roles, []), role)
    }
  }

  # infra:<key> and secret:<key> resolved; a missing key is an error (Invalid index), a null value drops the variable
  resolved = {
    for role, values in local.role_values : role => {
      for name, raw in values : name => (
        startswith(raw, "infra:") ? { kind = "value", value = var.infra_values[trimprefix(raw, "infra:")] } :
        startswith(raw, "secret:") ? { kind = "secret", value = var.secret_refs[trimprefix(raw, "secret:")] } :
        { kind = "value", value = raw }
      )
    }
  }

  environment = {
    for role, values in local.resolved : role => [
      for name in sort(keys(values)) : { name = name, value = values[name].value }
      if values[name].kind == "value" && values[name].value != null
    ]
  }

  secrets = {
    for role, values in local.resolved : role => [
      for name in sort(keys(values)) : { name = name, valueFrom = values[name].value }
      if values[name].kind == "secret" && values[name].value != null
    ]
  }

  container_port = tonumber(local.settings_file.settings.SERVER_PORT.aws)
}
