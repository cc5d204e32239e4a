package io.conduitscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The local cluster (scripts/cluster) against deploy/settings.yaml: deploy/cluster/ROLE.env sets exactly the
 * role's `local` values, with compose's network names replaced by loopback ports, and cluster-only.env adds
 * only settings the settings file leaves at their default for these roles. So the cluster cannot drift from
 * what compose and the AWS task definitions run.
 */
class ClusterSettingsTest {

    static final SettingsTable TABLE = SettingsTable.load();
    static final Path CLUSTER = Path.of("deploy", "cluster");

    /** compose.yaml's addresses -> the cluster's, in the placeholders scripts/cluster fills in. */
    static final Map<String, String> LOOPBACK = new LinkedHashMap<>();

    static {
        LOOPBACK.put("postgres-primary:5432", "127.0.0.1:${PRIMARY_PORT}");
        LOOPBACK.put("postgres-replica:5432", "127.0.0.1:${REPLICA_PORT}");
        LOOPBACK.put("redis://redis:6379", "redis://127.0.0.1:${REDIS_PORT}");
        LOOPBACK.put("kafka:9092", "127.0.0.1:${KAFKA_PORT}");
        LOOPBACK.put("http://localhost:8080", "http://127.0.0.1:${LB_PORT}");
        // the load balancer's fixed address in compose; HAProxy connects from loopback
        LOOPBACK.put("172.28.0.10/32", "127.0.0.1/32");
    }

    @Test
    void everyRoleFileSetsExactlyItsRolesLocalSettingsOnLoopback() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String role : SettingsTable.ROLES) {
            problems.addAll(drift(role, read(CLUSTER.resolve(role + ".env")), TABLE));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void clusterOnlySettingsAreKnownAndNotSetByAnyRole() throws IOException {
        assertThat(clusterOnlyProblems(read(CLUSTER.resolve("cluster-only.env")), TABLE)).isEmpty();
    }

    @Test
    void aDriftingMissingOrExtraSettingIsCaught() throws IOException {
        Map<String, String> api = read(CLUSTER.resolve("api.env"));
        api.remove("CONDUIT_REDIS_URL");
        api.put("CONDUIT_DB_POOL_MAX_SIZE", "50");
        api.put("CONDUIT_CACHE", "local");
        assertThat(drift("api", api, TABLE)).singleElement().satisfies(p -> assertThat(p)
                .contains("CONDUIT_REDIS_URL").contains("CONDUIT_DB_POOL_MAX_SIZE").contains("CONDUIT_CACHE"));
    }

    @Test
    void aClusterOnlyOverrideOfADeployedOrUnknownSettingIsCaught() throws IOException {
        Map<String, String> extra = read(CLUSTER.resolve("cluster-only.env"));
        extra.put("CONDUIT_DB_POOL_MAX_SIZE", "50");
        extra.put("CONDUIT_NO_SUCH_SETTING", "1");
        assertThat(clusterOnlyProblems(extra, TABLE)).hasSize(2);
    }

    static List<String> drift(String role, Map<String, String> actual, SettingsTable table) {
        Map<String, String> expected = new TreeMap<>();
        table.local(role).forEach((name, value) -> expected.put(name, onLoopback(name, value)));
        if (expected.equals(actual)) {
            return List.of();
        }
        Map<String, String> missing = new TreeMap<>(expected);
        missing.entrySet().removeAll(actual.entrySet());
        Map<String, String> unexpected = new TreeMap<>(actual);
        unexpected.entrySet().removeAll(expected.entrySet());
        return List.of(role + ".env: settings file wants " + missing + ", the cluster has " + unexpected);
    }

    static List<String> clusterOnlyProblems(Map<String, String> extra, SettingsTable table) {
        List<String> problems = new ArrayList<>();
        extra.keySet().forEach(name -> {
            SettingsTable.Setting setting = table.settings().get(name);
            if (setting == null) {
                problems.add(name + ": not a setting in deploy/settings.yaml");
            } else if (!setting.roles().isEmpty()) {
                problems.add(name + ": set by roles " + setting.roles() + " in deploy/settings.yaml; change it there");
            }
        });
        return problems;
    }

    private static String onLoopback(String name, String value) {
        if (name.equals("SERVER_PORT")) {
            return "${PORT}"; // each instance has its own port on loopback
        }
        if (value.startsWith("${CONDUIT_JWT_SIGNING_KEY")) {
            return "${CONDUIT_JWT_SIGNING_KEY}"; // generated once per cluster directory by scripts/cluster
        }
        String result = value;
        for (Map.Entry<String, String> e : LOOPBACK.entrySet()) {
            result = result.replace(e.getKey(), e.getValue());
        }
        return result;
    }

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> values = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            values.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
        }
        return values;
    }
}
