package io.conduitscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.deploy.Hcl.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/**
 * Offline checks of infra/terraform (terraform init cannot reach the provider registry here): the HCL is parsed
 * and each invariant of the reference architecture is asserted, so a change that drops one fails the build.
 * Every check returns its violations; the mutation tests at the end show each kind of check failing on a
 * deliberately broken copy.
 */
class TerraformTest {

    static final String READINESS = "/actuator/health/readiness";
    static Hcl hcl;
    static SettingsTable table;

    @BeforeAll
    static void parse() {
        hcl = Hcl.parse();
        table = SettingsTable.load();
    }

    @Test
    void everyModuleAndEnvironmentIsParsed() {
        Set<String> directories = new TreeSet<>();
        hcl.files().keySet().forEach(f -> directories.add(Path.of(f).getParent().toString()));
        assertThat(directories).contains(
                "infra/terraform/envs/dev", "infra/terraform/envs/prod", "infra/terraform/bootstrap",
                "infra/terraform/modules/network", "infra/terraform/modules/alb", "infra/terraform/modules/service",
                "infra/terraform/modules/database", "infra/terraform/modules/cache", "infra/terraform/modules/messaging",
                "infra/terraform/modules/identity", "infra/terraform/modules/observability",
                "infra/terraform/modules/registry", "infra/terraform/modules/conduit");
    }

    @Test
    void taskEnvironmentComesFromTheSettingsFile() {
        assertThat(settingsWiring(hcl, table)).isEmpty();
    }

    @Test
    void containersAreReadOnlyWithWritableTmpAndStopAfterTheShutdownBudget() {
        assertThat(containerInvariants(hcl, table)).isEmpty();
    }

    @Test
    void loadBalancerChecksReadinessOnTheContainerPort() throws IOException {
        assertThat(albInvariants(hcl, keepAliveSeconds())).isEmpty();
    }

    @Test
    void servicesRollSafelyApiOnDemandWorkersOnSpot() {
        assertThat(ecsInvariants(hcl)).isEmpty();
    }

    @Test
    void autoscalingIsBoundedAndWorkersScaleOnTheBacklogMetric() throws IOException {
        assertThat(autoscalingInvariants(hcl, Files.readString(Path.of(
                "src/main/java/io/conduitscale/platform/events/EventMetrics.java")))).isEmpty();
    }

    @Test
    void dataTierIsEncryptedReplicatedAndProtected() {
        assertThat(dataInvariants(hcl, table)).isEmpty();
    }

    @Test
    void noIngressFromTheInternetExceptHttpAndHttpsOnTheLoadBalancer() {
        assertThat(openIngress(hcl)).isEmpty();
    }

    @Test
    void alarmsDashboardAndBudgetMatchTheSlos() throws IOException {
        assertThat(observabilityInvariants(hcl, Files.readString(Path.of("docs/slo.md")))).isEmpty();
    }

    @Test
    void everyVariableHasATypeAndADescription() {
        List<String> problems = new ArrayList<>();
        for (Block variable : hcl.blocks("variable", null, "")) {
            if (!variable.body().containsKey("description") || !variable.body().containsKey("type")) {
                problems.add(variable.file() + ": variable " + variable.name());
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---- each check fails on a broken copy ----

    @Test
    void aDroppedInfraValueOrAHardCodedSettingIsCaught() {
        Hcl broken = hcl.copy();
        Map<String, Object> service = broken.module("modules/conduit", "service").body();
        ((Map<?, ?>) service.get("infra_values")).remove("db_url");
        assertThat(settingsWiring(broken, table)).anyMatch(p -> p.contains("db_url"));

        Hcl hardCoded = hcl.copy();
        Map<String, Object> locals = hardCoded.locals("modules/service");
        putLocal(hardCoded, "modules/service", "api_container", withEntry(locals.get("api_container"),
                "environment", List.of(Map.of("name", "CONDUIT_CACHE", "value", "local"))));
        assertThat(settingsWiring(hardCoded, table)).anyMatch(p -> p.contains("CONDUIT_CACHE"));
    }

    @Test
    void aWritableRootFilesystemIsCaught() {
        Hcl broken = hcl.copy();
        putLocal(broken, "modules/service", "worker_container",
                withEntry(broken.locals("modules/service").get("worker_container"), "readonlyRootFilesystem", false));
        assertThat(containerInvariants(broken, table)).anyMatch(p -> p.contains("worker") && p.contains("read-only"));
    }

    @Test
    void aWrongHealthCheckPathOrIdleTimeoutIsCaught() throws IOException {
        Hcl broken = hcl.copy();
        broken.module("modules/conduit", "alb").body().put("health_check_path", "/actuator/health");
        assertThat(albInvariants(broken, keepAliveSeconds())).anyMatch(p -> p.contains("readiness"));
        assertThat(albInvariants(hcl, 60)).anyMatch(p -> p.contains("idle"));
    }

    @Test
    void noRollbackOrNoSpotIsCaught() {
        Hcl broken = hcl.copy();
        Hcl.nested(broken.resource("aws_ecs_service", "api").body(), "deployment_circuit_breaker").getFirst().put("rollback", false);
        Hcl.nested(broken.resource("aws_ecs_service", "worker").body(), "capacity_provider_strategy")
                .forEach(s -> s.put("capacity_provider", "FARGATE"));
        assertThat(ecsInvariants(broken)).anyMatch(p -> p.contains("rollback")).anyMatch(p -> p.contains("FARGATE_SPOT"));
    }

    @Test
    void anUnboundedScalingTargetOrAnUnknownBacklogMetricIsCaught() throws IOException {
        Hcl broken = hcl.copy();
        broken.resource("aws_appautoscaling_target", "worker").body().remove("max_capacity");
        String eventMetrics = Files.readString(Path.of("src/main/java/io/conduitscale/platform/events/EventMetrics.java"));
        assertThat(autoscalingInvariants(broken, eventMetrics)).anyMatch(p -> p.contains("max_capacity"));
        assertThat(autoscalingInvariants(hcl, eventMetrics.replace("conduit.events.consumer.backlog", "conduit.events.lag")))
                .anyMatch(p -> p.contains("conduit_events_consumer_backlog"));
    }

    @Test
    void unencryptedStorageOrAMissingReplicaSourceIsCaught() {
        Hcl broken = hcl.copy();
        broken.resource("aws_db_instance", "primary").body().put("storage_encrypted", false);
        broken.resource("aws_db_instance", "replica").body().remove("replicate_source_db");
        broken.resource("aws_elasticache_replication_group", "this").body().put("transit_encryption_enabled", false);
        assertThat(dataInvariants(broken, table)).anyMatch(p -> p.contains("storage_encrypted"))
                .anyMatch(p -> p.contains("replicate_source_db")).anyMatch(p -> p.contains("transit_encryption_enabled"));
    }

    @Test
    void sshFromTheInternetIsCaught() {
        Hcl broken = hcl.copy();
        Map<String, Object> rule = broken.resource("aws_vpc_security_group_ingress_rule", "api_from_alb").body();
        rule.remove("referenced_security_group_id");
        rule.put("cidr_ipv4", "0.0.0.0/0");
        rule.put("from_port", 22);
        rule.put("to_port", 22);
        assertThat(openIngress(broken)).singleElement().asString().contains("api_from_alb");
    }

    @Test
    void aMissingAlarmOrAnObjectiveDifferentFromTheSloDocIsCaught() throws IOException {
        Hcl broken = hcl.copy();
        broken.files().values().forEach(content -> {
            if (content.get("resource") instanceof Map<?, ?> resources) {
                resources.remove("aws_budgets_budget");
            }
        });
        String slo = Files.readString(Path.of("docs/slo.md"));
        assertThat(observabilityInvariants(broken, slo)).anyMatch(p -> p.contains("aws_budgets_budget"));
        assertThat(observabilityInvariants(hcl, slo.replace("99.9 %", "99.95 %"))).anyMatch(p -> p.contains("availability"));
    }

    // ---- checks ----

    static List<String> settingsWiring(Hcl hcl, SettingsTable table) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> service = hcl.module("modules/conduit", "service").body();
        compareKeys(problems, "infra_values", service.get("infra_values"), table.referencedKeys("infra:"));
        compareKeys(problems, "secret_refs", service.get("secret_refs"), table.referencedKeys("secret:"));
        Object settingsFile = hcl.locals("modules/service").get("settings_file");
        if (!"${yamldecode(file(var.settings_file))}".equals(settingsFile)) {
            problems.add("modules/service does not read var.settings_file: " + settingsFile);
        }
        for (String env : List.of("dev", "prod")) {
            Object path = hcl.module("envs/" + env, "conduit").body().get("settings_file");
            String resolved = String.valueOf(path).replace("${path.root}", "infra/terraform/envs/" + env);
            if (!Path.of(resolved).normalize().equals(SettingsTable.FILE)) {
                problems.add("envs/" + env + " settings_file " + path + " is not deploy/settings.yaml");
            }
        }
        Map<String, Object> locals = hcl.locals("modules/service");
        for (String role : SettingsTable.ROLES) {
            Map<String, Object> container = Hcl.first(locals.get(role + "_container"));
            expect(problems, role + " container environment", container.get("environment"), "${local.environment[\"" + role + "\"]}");
            expect(problems, role + " container secrets", container.get("secrets"), "${local.secrets[\"" + role + "\"]}");
        }
        // no value or key in the Terraform is an application variable's name (descriptions may mention them):
        // every container variable comes from the settings file
        hcl.strings().stream().filter(s -> s.matches("CONDUIT_[A-Z0-9_]+"))
                .forEach(s -> problems.add("hard-coded application setting in the Terraform: " + s));
        return problems;
    }

    static List<String> containerInvariants(Hcl hcl, SettingsTable table) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> locals = hcl.locals("modules/service");
        expect(problems, "container port", locals.get("container_port"), "${tonumber(local.settings_file.settings.SERVER_PORT.aws)}");
        long budget = seconds(table.settings().get("CONDUIT_SHUTDOWN_DRAIN").effectiveProductionDefault())
                + seconds(table.settings().get("CONDUIT_SHUTDOWN_TIMEOUT").effectiveProductionDefault());
        Object stopTimeout = hcl.variableDefault("modules/service", "stop_timeout");
        if (!(stopTimeout instanceof Number n) || n.longValue() <= budget || n.longValue() > 120) {
            problems.add("stop_timeout " + stopTimeout + " must exceed drain + shutdown timeout (" + budget + " s) and be at most 120");
        }
        expect(problems, "stop timeout", locals.get("stop_timeout"), "${var.stop_timeout}");
        for (String role : SettingsTable.ROLES) {
            Map<String, Object> container = Hcl.first(locals.get(role + "_container"));
            if (!Boolean.TRUE.equals(container.get("readonlyRootFilesystem"))) {
                problems.add(role + " container: root filesystem not read-only");
            }
            expect(problems, role + " /tmp mount", container.get("mountPoints"), "${local.tmp_mount}");
            expect(problems, role + " stopTimeout", container.get("stopTimeout"), "${local.stop_timeout}");
            Object user = container.get("user");
            if (user == null || String.valueOf(user).startsWith("0") || String.valueOf(user).startsWith("root")) {
                problems.add(role + " container runs as root: " + user);
            }
        }
        List<Map<String, Object>> tmp = listOfMaps(locals.get("tmp_mount"));
        if (tmp.stream().noneMatch(m -> "/tmp".equals(m.get("containerPath")) && Boolean.FALSE.equals(m.get("readOnly")))) {
            problems.add("no writable /tmp mount");
        }
        for (String role : List.of("api", "worker")) {
            List<Map<String, Object>> ports = listOfMaps(Hcl.first(locals.get(role + "_container")).get("portMappings"));
            if (ports.isEmpty() || !"${local.container_port}".equals(ports.getFirst().get("containerPort"))) {
                problems.add(role + " container port is not SERVER_PORT: " + ports);
            }
        }
        for (String definition : List.of("api", "worker", "migrate")) {
            Map<String, Object> body = hcl.resource("aws_ecs_task_definition", definition).body();
            if (Hcl.nested(body, "volume").stream().noneMatch(v -> "tmp".equals(v.get("name")))) {
                problems.add(definition + " task definition has no tmp volume");
            }
        }
        return problems;
    }

    static List<String> albInvariants(Hcl hcl, long keepAliveSeconds) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> alb = hcl.module("modules/conduit", "alb").body();
        expect(problems, "ALB health check path (the readiness probe)", alb.get("health_check_path"), READINESS);
        expect(problems, "ALB container port", alb.get("container_port"), "${local.container_port}");
        expect(problems, "modules/conduit container port", hcl.locals("modules/conduit").get("container_port"),
                "${tonumber(local.settings.SERVER_PORT.aws)}");
        Map<String, Object> group = hcl.resource("aws_lb_target_group", "api").body();
        expect(problems, "target type", group.get("target_type"), "ip");
        expect(problems, "target group port", group.get("port"), "${var.container_port}");
        Map<String, Object> check = Hcl.first(group.get("health_check"));
        expect(problems, "health check path", check.get("path"), "${var.health_check_path}");
        expect(problems, "health check port", check.get("port"), "traffic-port");
        expect(problems, "stickiness", Hcl.first(group.get("stickiness")).get("enabled"), false);
        Object idle = hcl.variableDefault("modules/alb", "idle_timeout");
        if (!(idle instanceof Number n) || n.longValue() >= keepAliveSeconds) {
            problems.add("ALB idle timeout " + idle + " must stay below the app's keep-alive (" + keepAliveSeconds + " s)");
        }
        Object delay = hcl.variableDefault("modules/alb", "deregistration_delay");
        Object stop = hcl.variableDefault("modules/service", "stop_timeout");
        if (!(delay instanceof Number d) || !(stop instanceof Number s) || d.longValue() >= s.longValue() || d.longValue() >= 120) {
            problems.add("deregistration delay " + delay + " must be below stop_timeout and the 2-minute spot notice");
        }
        Map<String, Object> http = hcl.resource("aws_lb_listener", "http").body();
        Map<String, Object> redirect = Hcl.first(Hcl.first(http.get("default_action")).get("redirect"));
        expect(problems, "HTTP listener redirects to HTTPS", redirect.get("protocol"), "HTTPS");
        Map<String, Object> https = hcl.resource("aws_lb_listener", "https").body();
        expect(problems, "HTTPS listener", https.get("protocol"), "HTTPS");
        expect(problems, "HTTPS certificate", https.get("certificate_arn"), "${var.certificate_arn}");
        return problems;
    }

    static List<String> ecsInvariants(Hcl hcl) {
        List<String> problems = new ArrayList<>();
        for (String name : List.of("api", "worker")) {
            Map<String, Object> service = hcl.resource("aws_ecs_service", name).body();
            Map<String, Object> breaker = Hcl.first(service.get("deployment_circuit_breaker"));
            if (!Boolean.TRUE.equals(breaker.get("enable")) || !Boolean.TRUE.equals(breaker.get("rollback"))) {
                problems.add(name + " service: deployment circuit breaker without rollback");
            }
            expect(problems, name + " minimum healthy percent", service.get("deployment_minimum_healthy_percent"), 100);
            expect(problems, name + " maximum percent", service.get("deployment_maximum_percent"), 200);
        }
        Map<String, Object> api = hcl.resource("aws_ecs_service", "api").body();
        List<Map<String, Object>> apiCapacity = Hcl.nested(api, "capacity_provider_strategy");
        if (apiCapacity.isEmpty() || apiCapacity.stream().anyMatch(s -> !"FARGATE".equals(s.get("capacity_provider")))) {
            problems.add("api service must run on FARGATE only: " + apiCapacity);
        }
        expect(problems, "api load balancer port", Hcl.first(api.get("load_balancer")).get("container_port"), "${local.container_port}");
        Map<String, Object> worker = hcl.resource("aws_ecs_service", "worker").body();
        boolean spot = Hcl.nested(worker, "capacity_provider_strategy").stream()
                .anyMatch(s -> "FARGATE_SPOT".equals(s.get("capacity_provider")) && s.get("weight") instanceof Number w && w.intValue() > 0);
        if (!spot) {
            problems.add("worker service does not run on FARGATE_SPOT");
        }
        Map<String, Object> cluster = hcl.resource("aws_ecs_cluster", "this").body();
        if (Hcl.nested(cluster, "setting").stream().noneMatch(s -> "containerInsights".equals(s.get("name")))) {
            problems.add("cluster without Container Insights");
        }
        return problems;
    }

    static List<String> autoscalingInvariants(Hcl hcl, String eventMetricsSource) {
        List<String> problems = new ArrayList<>();
        for (Block target : hcl.resources("aws_appautoscaling_target")) {
            for (String bound : List.of("min_capacity", "max_capacity")) {
                if (!target.body().containsKey(bound)) {
                    problems.add(target.name() + " scaling target without " + bound);
                }
            }
        }
        Set<String> apiMetrics = new TreeSet<>();
        for (String policy : List.of("api_cpu", "api_requests")) {
            Map<String, Object> config = Hcl.first(hcl.resource("aws_appautoscaling_policy", policy).body()
                    .get("target_tracking_scaling_policy_configuration"));
            apiMetrics.add(String.valueOf(Hcl.first(config.get("predefined_metric_specification")).get("predefined_metric_type")));
        }
        if (!apiMetrics.equals(Set.of("ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"))) {
            problems.add("api must track CPU and ALBRequestCountPerTarget: " + apiMetrics);
        }
        Map<String, Object> worker = Hcl.first(hcl.resource("aws_appautoscaling_policy", "worker_backlog").body()
                .get("target_tracking_scaling_policy_configuration"));
        List<String> metricNames = new ArrayList<>();
        for (Map<String, Object> query : Hcl.nested(Hcl.first(worker.get("customized_metric_specification")), "metrics")) {
            Map<String, Object> metric = Hcl.first(Hcl.first(query.get("metric_stat")).get("metric"));
            if (metric.get("metric_name") != null) {
                metricNames.add(metric.get("metric_name").toString());
            }
        }
        // the application's gauge, as the Prometheus registry names it and the collector ships it
        Matcher gauge = Pattern.compile("Gauge\\.builder\\(\"(conduit\\.events\\.consumer\\.backlog)\"").matcher(eventMetricsSource);
        String backlog = gauge.find() ? gauge.group(1).replace('.', '_') : "(gauge not found in EventMetrics)";
        if (!metricNames.contains("conduit_events_consumer_backlog") || !backlog.equals("conduit_events_consumer_backlog")) {
            problems.add("worker scaling metric " + metricNames + " is not the application's backlog gauge conduit_events_consumer_backlog (" + backlog + ")");
        }
        for (String env : List.of("dev", "prod")) {
            Map<String, Object> conduit = hcl.module("envs/" + env, "conduit").body();
            for (String service : List.of("api", "worker")) {
                Object min = conduit.get(service + "_min_count");
                Object max = conduit.get(service + "_max_count");
                if (!(min instanceof Number lo) || !(max instanceof Number hi) || hi.intValue() < lo.intValue() || hi.intValue() > 50) {
                    problems.add(env + ": " + service + " scaling bounds must be literal, ordered and at most 50: " + min + ".." + max);
                }
            }
        }
        return problems;
    }

    static List<String> dataInvariants(Hcl hcl, SettingsTable table) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> primary = hcl.resource("aws_db_instance", "primary").body();
        for (String flag : List.of("storage_encrypted", "performance_insights_enabled", "manage_master_user_password")) {
            expect(problems, "primary " + flag, primary.get(flag), true);
        }
        expect(problems, "primary multi_az", primary.get("multi_az"), "${var.multi_az}");
        expect(problems, "primary deletion_protection", primary.get("deletion_protection"), "${var.deletion_protection}");
        Map<String, Object> replica = hcl.resource("aws_db_instance", "replica").body();
        expect(problems, "replicas' replicate_source_db", replica.get("replicate_source_db"), "${aws_db_instance.primary[0].identifier}");
        expect(problems, "replica storage_encrypted", replica.get("storage_encrypted"), true);
        expect(problems, "replica count", replica.get("count"), "${local.aurora ? 0 : var.replica_count}");
        expect(problems, "aurora storage_encrypted", hcl.resource("aws_rds_cluster", "this").body().get("storage_encrypted"), true);
        Object version = hcl.variableDefault("modules/database", "engine_version");
        if (!String.valueOf(version).startsWith("17")) {
            problems.add("PostgreSQL version " + version + " is not 17");
        }
        boolean statements = Hcl.nested(hcl.resource("aws_db_parameter_group", "this").body(), "parameter").stream()
                .anyMatch(p -> "shared_preload_libraries".equals(p.get("name")) && String.valueOf(p.get("value")).contains("pg_stat_statements"));
        if (!statements) {
            problems.add("parameter group does not preload pg_stat_statements");
        }
        expect(problems, "RDS Proxy require_tls", hcl.resource("aws_db_proxy", "this").body().get("require_tls"), true);
        Map<String, Object> cache = hcl.resource("aws_elasticache_replication_group", "this").body();
        for (String flag : List.of("at_rest_encryption_enabled", "transit_encryption_enabled")) {
            expect(problems, "cache " + flag, cache.get(flag), true);
        }
        if (cache.get("auth_token") == null) {
            problems.add("cache without an auth token");
        }
        for (String queue : List.of("events", "dead_letter")) {
            expect(problems, "SQS " + queue + " fifo_queue", hcl.resource("aws_sqs_queue", queue).body().get("fifo_queue"), true);
        }
        if (!String.valueOf(hcl.resource("aws_sqs_queue", "events").body().get("redrive_policy")).contains("maxReceiveCount")) {
            problems.add("events queue without a redrive policy");
        }
        Object receives = hcl.variableDefault("modules/messaging", "max_receive_count");
        String attempts = table.settings().get("CONDUIT_EVENTS_CONSUMER_MAX_ATTEMPTS").defaultValue();
        if (!(receives instanceof Number n) || !String.valueOf(n.intValue()).equals(attempts)) {
            problems.add("SQS maxReceiveCount " + receives + " differs from CONDUIT_EVENTS_CONSUMER_MAX_ATTEMPTS " + attempts);
        }
        Map<String, Object> iam = Hcl.first(Hcl.first(Hcl.first(hcl.resource("aws_msk_serverless_cluster", "this").body()
                .get("client_authentication")).get("sasl")).get("iam"));
        expect(problems, "MSK IAM authentication", iam.get("enabled"), true);
        Map<String, Object> prod = hcl.module("envs/prod", "conduit").body();
        expect(problems, "prod deletion_protection", prod.get("deletion_protection"), true);
        expect(problems, "prod database_multi_az", prod.get("database_multi_az"), true);
        if (!(prod.get("database_replica_count") instanceof Number r) || r.intValue() < 1) {
            problems.add("prod without read replicas");
        }
        if (!(prod.get("cache_nodes") instanceof Number c) || c.intValue() < 2) {
            problems.add("prod cache without a replica (no automatic failover)");
        }
        expect(problems, "prod one NAT gateway per zone", prod.get("single_nat_gateway"), false);
        return problems;
    }

    static List<String> openIngress(Hcl hcl) {
        List<String> problems = new ArrayList<>();
        for (Block rule : hcl.resources("aws_vpc_security_group_ingress_rule")) {
            Map<String, Object> body = rule.body();
            boolean anywhere = "0.0.0.0/0".equals(body.get("cidr_ipv4")) || "::/0".equals(body.get("cidr_ipv6"));
            boolean web = Objects.equals(body.get("from_port"), body.get("to_port"))
                    && (Objects.equals(body.get("from_port"), 80) || Objects.equals(body.get("from_port"), 443));
            if (anywhere && !(rule.file().startsWith("infra/terraform/modules/alb/") && web)) {
                problems.add(rule.file() + " " + rule.name() + ": ingress from anywhere on " + body.get("from_port"));
            }
        }
        for (Block group : hcl.resources("aws_security_group")) {
            if (group.body().containsKey("ingress") || group.body().containsKey("egress")) {
                problems.add(group.name() + ": inline rules (use aws_vpc_security_group_*_rule so the checks see them)");
            }
        }
        if (!hcl.resources("aws_security_group_rule").isEmpty()) {
            problems.add("aws_security_group_rule is not used here: use aws_vpc_security_group_ingress_rule");
        }
        return problems;
    }

    static List<String> observabilityInvariants(Hcl hcl, String sloDoc) {
        List<String> problems = new ArrayList<>();
        for (String[] resource : new String[][] {
                {"aws_cloudwatch_metric_alarm", "availability_burn"}, {"aws_cloudwatch_metric_alarm", "latency_burn"},
                {"aws_cloudwatch_composite_alarm", "slo"}, {"aws_cloudwatch_metric_alarm", "replica_lag"},
                {"aws_cloudwatch_metric_alarm", "dead_letter_queue"}, {"aws_cloudwatch_metric_alarm", "dead_lettered_events"},
                {"aws_cloudwatch_metric_alarm", "unhealthy_targets"}, {"aws_cloudwatch_dashboard", "this"},
                {"aws_budgets_budget", "monthly"}, {"aws_ecr_lifecycle_policy", "this"}, {"aws_sns_topic", "alarms"}}) {
            if (hcl.resources(resource[0]).stream().noneMatch(b -> b.name().equals(resource[1]))) {
                problems.add("missing " + resource[0] + "." + resource[1]);
            }
        }
        for (Block group : hcl.resources("aws_cloudwatch_log_group")) {
            if (group.body().get("retention_in_days") == null) {
                problems.add("log group " + group.name() + " keeps logs forever");
            }
        }
        compareObjective(problems, hcl, sloDoc, "availability", "availability_objective");
        compareObjective(problems, hcl, sloDoc, "latency", "latency_objective");
        Matcher threshold = Pattern.compile("(?m)^\\| Latency \\|.*?within (\\d+) ms").matcher(sloDoc);
        Object seconds = hcl.variableDefault("modules/observability", "latency_threshold_seconds");
        if (!threshold.find() || !(seconds instanceof Number s) || Math.round(s.doubleValue() * 1000) != Long.parseLong(threshold.group(1))) {
            problems.add("latency threshold " + seconds + " s differs from docs/slo.md");
        }
        for (String env : List.of("dev", "prod")) {
            if (!(hcl.module("envs/" + env, "conduit").body().get("monthly_budget_usd") instanceof Number)) {
                problems.add(env + " without a monthly budget");
            }
        }
        return problems;
    }

    // ---- helpers ----

    private static void compareObjective(List<String> problems, Hcl hcl, String sloDoc, String name, String variable) {
        Matcher row = Pattern.compile("(?mi)^\\| " + name + " \\| ([0-9.]+) %").matcher(sloDoc);
        Object value = hcl.variableDefault("modules/observability", variable);
        if (!row.find() || !(value instanceof Number n) || Math.abs(n.doubleValue() * 100 - Double.parseDouble(row.group(1))) > 1e-9) {
            problems.add(name + " objective " + value + " differs from docs/slo.md");
        }
    }

    private static void compareKeys(List<String> problems, String what, Object map, Set<String> expected) {
        Set<String> actual = map instanceof Map<?, ?> m ? new TreeSet<>(m.keySet().stream().map(Object::toString).toList()) : Set.of();
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty()) {
            problems.add(what + " lacks keys the settings file names: " + missing);
        }
        if (!extra.isEmpty()) {
            problems.add(what + " has keys no setting uses: " + extra);
        }
    }

    private static void expect(List<String> problems, String what, Object actual, Object expected) {
        if (!Objects.equals(actual, expected) && !(actual instanceof Number a && expected instanceof Number e && a.doubleValue() == e.doubleValue())) {
            problems.add(what + ": expected " + expected + " but found " + actual);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOfMaps(Object value) {
        return value instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    private static long seconds(String duration) {
        return DurationStyle.detectAndParse(duration).toSeconds();
    }

    static long keepAliveSeconds() throws IOException {
        Matcher keepAlive = Pattern.compile("keep-alive-timeout: (\\S+)").matcher(Files.readString(Path.of("src/main/resources/application.yml")));
        return keepAlive.find() ? Duration.ofSeconds(seconds(keepAlive.group(1))).toSeconds() : 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withEntry(Object map, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>((Map<String, Object>) map);
        copy.put(key, value);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static void putLocal(Hcl hcl, String directory, String name, Object value) {
        hcl.files().forEach((file, content) -> {
            if (file.startsWith(Hcl.ROOT.resolve(directory) + "/") && content.get("locals") instanceof List<?> blocks) {
                for (Object block : blocks) {
                    Map<String, Object> locals = (Map<String, Object>) block;
                    if (locals.containsKey(name)) {
                        locals.put(name, value);
                    }
                }
            }
        });
    }
}
