package io.conduitscale.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/settings.yaml, the one table of deployed settings: per setting its default, the roles whose containers
 * set it, and the value in the AWS task definitions and in the local compose stack.
 */
record SettingsTable(Map<String, Setting> settings, Map<String, Setting> platform) {

    static final List<String> ROLES = List.of("api", "worker", "migrate");
    static final Path FILE = Path.of("deploy", "settings.yaml");

    record Setting(String name, String defaultValue, String productionDefault, Set<String> required, Set<String> roles,
                   Map<String, String> aws, Map<String, String> local, boolean pending) {

        /** The production-profile default if there is one, otherwise the default. */
        String effectiveProductionDefault() {
            return productionDefault != null ? productionDefault : defaultValue;
        }
    }

    static SettingsTable load() {
        return load(FILE);
    }

    static SettingsTable load(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> root = new Yaml().load(reader);
            return new SettingsTable(section(root, "settings"), section(root, "platform"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** All entries, CONDUIT_* and platform ones. */
    Map<String, Setting> all() {
        Map<String, Setting> all = new TreeMap<>(settings);
        all.putAll(platform);
        return all;
    }

    /** NAME -> aws value (literal, infra:key or secret:key) of every entry the role's container sets. */
    Map<String, String> aws(String role) {
        Map<String, String> values = new TreeMap<>();
        all().forEach((name, setting) -> {
            if (setting.roles().contains(role)) {
                values.put(name, setting.aws().get(role));
            }
        });
        return values;
    }

    /** NAME -> local value of every entry the role's compose service sets (entries without a local value are left out). */
    Map<String, String> local(String role) {
        Map<String, String> values = new TreeMap<>();
        all().forEach((name, setting) -> {
            if (setting.roles().contains(role) && setting.local().containsKey(role)) {
                values.put(name, setting.local().get(role));
            }
        });
        return values;
    }

    /** The keys behind infra:<key> or secret:<key> values, over every role. */
    Set<String> referencedKeys(String prefix) {
        Set<String> keys = new TreeSet<>();
        for (String role : ROLES) {
            aws(role).values().stream().filter(v -> v != null && v.startsWith(prefix))
                    .forEach(v -> keys.add(v.substring(prefix.length())));
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Setting> section(Map<String, Object> root, String name) {
        Map<String, Setting> result = new LinkedHashMap<>();
        Map<String, Map<String, Object>> entries = (Map<String, Map<String, Object>>) root.getOrDefault(name, Map.of());
        entries.forEach((key, fields) -> {
            Set<String> roles = new TreeSet<>((List<String>) fields.getOrDefault("roles", List.of()));
            result.put(key, new Setting(key, string(fields.get("default")), string(fields.get("production")),
                    new TreeSet<>((List<String>) fields.getOrDefault("required", List.of())), roles,
                    perRole(fields.get("aws"), roles), perRole(fields.get("local"), roles),
                    Boolean.TRUE.equals(fields.get("pending"))));
        });
        return result;
    }

    /** A scalar applies to every listed role; a map names the value per role. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> perRole(Object value, Set<String> roles) {
        Map<String, String> result = new TreeMap<>();
        if (value instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((role, v) -> result.put(role, string(v)));
        } else if (value != null) {
            roles.forEach(role -> result.put(role, string(value)));
        }
        return result;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
