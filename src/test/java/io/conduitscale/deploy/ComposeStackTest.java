package io.conduitscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * compose.yaml (the local stack for Docker users, which cannot run here) against deploy/settings.yaml: every
 * application container sets exactly the `local` values of its role, and the stack has the pieces the
 * reference architecture needs.
 */
class ComposeStackTest {

    static final SettingsTable TABLE = SettingsTable.load();

    @Test
    void everyApplicationServiceSetsExactlyItsRolesLocalSettings() throws IOException {
        assertThat(settingsDrift(load(), TABLE)).isEmpty();
    }

    @Test
    void theStackHasAReplicatedDatabaseKafkaTwoApisAWorkerAndALoadBalancer() throws IOException {
        assertThat(topologyProblems(load())).isEmpty();
    }

    @Test
    void aDriftingOrMissingSettingIsCaught() throws IOException {
        Map<String, Object> compose = load();
        Map<String, String> worker = environment(service(compose, "worker"));
        worker.remove("CONDUIT_REDIS_URL");
        worker.put("CONDUIT_CACHE", "local");
        service(compose, "worker").put("environment", worker);
        assertThat(settingsDrift(compose, TABLE)).anyMatch(p -> p.contains("CONDUIT_REDIS_URL")).anyMatch(p -> p.contains("CONDUIT_CACHE"));
    }

    @Test
    void aSingleApiOrAWritableContainerIsCaught() throws IOException {
        Map<String, Object> compose = load();
        services(compose).remove("api-2");
        service(compose, "worker").put("read_only", false);
        assertThat(topologyProblems(compose)).anyMatch(p -> p.contains("two API")).anyMatch(p -> p.contains("worker"));
    }

    static List<String> settingsDrift(Map<String, Object> compose, SettingsTable table) {
        List<String> problems = new ArrayList<>();
        services(compose).forEach((name, definition) -> {
            Map<String, String> environment = environment(asMap(definition));
            String role = environment.get("CONDUIT_ROLE");
            if (role == null) {
                return;
            }
            Map<String, String> expected = table.local(role);
            Map<String, String> actual = new TreeMap<>(environment);
            if (!actual.equals(expected)) {
                Map<String, String> missing = new TreeMap<>(expected);
                missing.entrySet().removeAll(actual.entrySet());
                Map<String, String> unexpected = new TreeMap<>(actual);
                unexpected.entrySet().removeAll(expected.entrySet());
                problems.add(name + " (" + role + "): settings file wants " + missing + ", compose.yaml has " + unexpected);
            }
        });
        return problems;
    }

    static List<String> topologyProblems(Map<String, Object> compose) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> byRole = new TreeMap<>();
        services(compose).forEach((name, definition) -> {
            Map<String, Object> service = asMap(definition);
            String role = environment(service).get("CONDUIT_ROLE");
            if (role == null) {
                return;
            }
            byRole.computeIfAbsent(role, r -> new ArrayList<>()).add(name);
            if (!Boolean.TRUE.equals(service.get("read_only")) || !String.valueOf(service.get("tmpfs")).contains("/tmp")) {
                problems.add(name + ": not read-only with a /tmp tmpfs, unlike its ECS task");
            }
            if (!role.equals("migrate") && !String.valueOf(service.get("depends_on")).contains("migrate={condition=service_completed_successfully}")) {
                problems.add(name + ": does not wait for the migration to complete");
            }
        });
        if (byRole.getOrDefault("api", List.of()).size() < 2) {
            problems.add("fewer than two API instances: " + byRole.get("api"));
        }
        if (byRole.getOrDefault("worker", List.of()).size() != 1 || byRole.getOrDefault("migrate", List.of()).size() != 1) {
            problems.add("expected one worker and one migrate service: " + byRole);
        }
        Map<String, Object> services = services(compose);
        if (!String.valueOf(asMap(services.get("postgres-replica")).get("entrypoint")).contains("replica-entrypoint.sh")) {
            problems.add("no streaming replica of PostgreSQL");
        }
        if (!String.valueOf(environment(asMap(services.get("kafka"))).get("KAFKA_PROCESS_ROLES")).contains("controller")) {
            problems.add("Kafka is not in KRaft mode");
        }
        Map<String, Object> lb = asMap(services.get("lb"));
        if (lb.isEmpty() || !String.valueOf(lb.get("networks")).contains("172.28.0.10")) {
            problems.add("no load balancer at the trusted proxy address");
        }
        return problems;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load() throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of("compose.yaml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            // anchors are shared objects: copy every service so that a test's mutation stays local to one
            Map<String, Object> services = new LinkedHashMap<>();
            ((Map<String, Object>) compose.get("services")).forEach((name, definition) -> {
                Map<String, Object> service = new LinkedHashMap<>(asMap(definition));
                service.put("environment", environment(service));
                services.put(name, service);
            });
            compose.put("services", services);
            return compose;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services(Map<String, Object> compose) {
        return (Map<String, Object>) compose.get("services");
    }

    private static Map<String, Object> service(Map<String, Object> compose, String name) {
        return asMap(services(compose).get(name));
    }

    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new TreeMap<>();
        if (service.get("environment") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> environment.put(k.toString(), v == null ? null : v.toString()));
        }
        return environment;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
    }
}
