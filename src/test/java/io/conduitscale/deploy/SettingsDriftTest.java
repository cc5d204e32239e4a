package io.conduitscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.deploy.SettingsTable.Setting;
import io.conduitscale.platform.settings.MissingSettingsException;
import io.conduitscale.platform.settings.ProductionSettingsCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * deploy/settings.yaml against the application, in both directions: every setting the application reads
 * (its @ConfigurationProperties records, ${conduit.*} placeholders, getProperty calls, application.yml) and
 * documents (docs/configuration.md) is in the settings file with the same default, every CONDUIT_* setting of
 * the file is one the application knows, and the file's `required` roles are exactly what
 * ProductionSettingsCheck demands, found by running the check on each role's AWS environment.
 */
class SettingsDriftTest {

    /**
     * Settings being added by issues in flight (data tier #3, events #5), not yet in docs/configuration.md nor
     * read by this branch's application. Remove a name here and its `pending: true` in deploy/settings.yaml
     * when its issue lands.
     */
    static final Set<String> PENDING = Set.of();

    /** Non-CONDUIT variables the image understands (Spring's port, the JVM, the OpenTelemetry agent). */
    static final Pattern PLATFORM_NAME = Pattern.compile("SERVER_PORT|JAVA_TOOL_OPTIONS|OTEL_[A-Z_]+");

    static final SettingsTable TABLE = SettingsTable.load();
    static final Map<String, String> APP = ApplicationSettings.read();

    @Test
    void everySettingTheApplicationReadsIsInTheSettingsFile() {
        assertThat(APP).as("found in the application").hasSizeGreaterThan(60);
        assertThat(missingFromTable(APP.keySet(), TABLE)).isEmpty();
    }

    @Test
    void everyConduitSettingOfTheFileIsOneTheApplicationKnows() {
        assertThat(unknownToApplication(APP.keySet(), TABLE)).isEmpty();
    }

    @Test
    void theFileListsExactlyTheDocumentedSettingsPlusThePendingOnes() throws IOException {
        Set<String> documented = documentedSettings(Path.of("docs/configuration.md"));
        assertThat(documented).as("docs/configuration.md reference table").contains("CONDUIT_DB_URL", "SERVER_PORT");
        for (String pending : PENDING) {
            assertThat(documented).as("pending settings that are now documented: drop them from PENDING and their pending flag")
                    .doesNotContain(pending);
        }
        Set<String> inFile = new TreeSet<>(TABLE.settings().keySet());
        inFile.removeAll(PENDING);
        assertThat(inFile).isEqualTo(documented);
        Set<String> flagged = new TreeSet<>();
        TABLE.settings().values().stream().filter(Setting::pending).forEach(s -> flagged.add(s.name()));
        assertThat(flagged).as("pending: true in deploy/settings.yaml").isEqualTo(new TreeSet<>(PENDING));
    }

    @Test
    void defaultsAgreeWithTheApplication() {
        assertThat(defaultMismatches(APP, ApplicationSettings.productionDefaults(), TABLE)).isEmpty();
    }

    @Test
    void platformEntriesAreOnlyTheKnownNonApplicationVariables() {
        for (String name : TABLE.all().keySet()) {
            boolean conduit = name.startsWith("CONDUIT_");
            assertThat(conduit || PLATFORM_NAME.matcher(name).matches()).as(name + " is neither CONDUIT_* nor a known platform variable").isTrue();
        }
        assertThat(TABLE.platform().keySet()).noneMatch(name -> name.startsWith("CONDUIT_"));
    }

    @Test
    void eachRoleRunsTheProductionProfileAsItself() {
        for (String role : SettingsTable.ROLES) {
            assertThat(TABLE.aws(role)).containsEntry("CONDUIT_PROFILE", "production").containsEntry("CONDUIT_ROLE", role);
            assertThat(TABLE.local(role)).containsEntry("CONDUIT_PROFILE", "production").containsEntry("CONDUIT_ROLE", role);
        }
    }

    @Test
    void everyEntryIsWellFormed() {
        assertThat(shapeProblems(TABLE)).isEmpty();
    }

    /** `required` must be exactly the check's behaviour: dropping a required setting fails the start, dropping any other does not. */
    @Test
    void requiredRolesAreWhatProductionSettingsCheckDemands() {
        assertThat(requiredMismatches(TABLE)).isEmpty();
    }

    /** With either transport, each role's AWS environment satisfies the check (the broker setting comes with the transport). */
    @Test
    void eachRoleStartsWithEitherTransport() {
        for (String transport : List.of("sqs", "kafka")) {
            for (String role : SettingsTable.ROLES) {
                Map<String, String> environment = awsEnvironment(TABLE, role, transport);
                assertThat(missingAtStart(environment)).as(role + " with " + transport + ": " + environment.keySet()).isEmpty();
            }
        }
    }

    // ---- the checks can fail: each runs on a mutated copy ----

    @Test
    void aSettingMissingFromTheFileIsReported() {
        SettingsTable withoutRedis = without(TABLE, "CONDUIT_REDIS_URL");
        assertThat(missingFromTable(APP.keySet(), withoutRedis)).containsExactly("CONDUIT_REDIS_URL");
        assertThat(requiredMismatches(withoutRedis)).isNotEmpty();
    }

    @Test
    void aSettingTheApplicationDoesNotKnowIsReported() {
        Map<String, Setting> settings = new LinkedHashMap<>(TABLE.settings());
        settings.put("CONDUIT_DB_POOL_SIZE", new Setting("CONDUIT_DB_POOL_SIZE", "10", null, Set.of(), Set.of("api"),
                Map.of("api", "10"), Map.of(), false));
        assertThat(unknownToApplication(APP.keySet(), new SettingsTable(settings, TABLE.platform()))).containsExactly("CONDUIT_DB_POOL_SIZE");
    }

    @Test
    void aWrongDefaultIsReported() {
        Map<String, Setting> settings = new LinkedHashMap<>(TABLE.settings());
        Setting timeout = settings.get("CONDUIT_DB_STATEMENT_TIMEOUT");
        settings.put(timeout.name(), new Setting(timeout.name(), "10s", null, timeout.required(), timeout.roles(), timeout.aws(), timeout.local(), false));
        assertThat(defaultMismatches(APP, ApplicationSettings.productionDefaults(), new SettingsTable(settings, TABLE.platform())))
                .singleElement().asString().contains("CONDUIT_DB_STATEMENT_TIMEOUT");
    }

    @Test
    void aWrongRequiredListIsReported() {
        Map<String, Setting> settings = new LinkedHashMap<>(TABLE.settings());
        Setting redis = settings.get("CONDUIT_REDIS_URL");
        settings.put(redis.name(), new Setting(redis.name(), redis.defaultValue(), null, Set.of("api"), redis.roles(), redis.aws(), redis.local(), false));
        assertThat(requiredMismatches(new SettingsTable(settings, TABLE.platform())))
                .singleElement().asString().contains("CONDUIT_REDIS_URL", "worker");
    }

    // ---- checks ----

    static List<String> missingFromTable(Set<String> application, SettingsTable table) {
        return application.stream().filter(name -> !table.settings().containsKey(name)).sorted().toList();
    }

    static List<String> unknownToApplication(Set<String> application, SettingsTable table) {
        return table.settings().keySet().stream()
                .filter(name -> !application.contains(name) && !PENDING.contains(name) && !name.equals("SERVER_PORT"))
                .sorted().toList();
    }

    static List<String> defaultMismatches(Map<String, String> application, Map<String, String> production, SettingsTable table) {
        List<String> problems = new ArrayList<>();
        application.forEach((name, appDefault) -> {
            Setting setting = table.settings().get(name);
            if (setting == null || appDefault == null || appDefault.isBlank()) {
                return; // no default declared, or "unset" (the code decides, e.g. CONDUIT_ROLE blank = all)
            }
            if (!Objects.equals(normalize(appDefault), normalize(setting.defaultValue()))) {
                problems.add(name + ": the application defaults to '" + appDefault + "', deploy/settings.yaml says '" + setting.defaultValue() + "'");
            }
        });
        production.forEach((name, value) -> {
            Setting setting = table.settings().get(name);
            if (setting != null && !Objects.equals(normalize(value), normalize(setting.productionDefault()))) {
                problems.add(name + ": production profile sets '" + value + "', deploy/settings.yaml says '" + setting.productionDefault() + "'");
            }
        });
        return problems;
    }

    static List<String> shapeProblems(SettingsTable table) {
        List<String> problems = new ArrayList<>();
        table.all().values().forEach(setting -> {
            if (!SettingsTable.ROLES.containsAll(setting.roles())) {
                problems.add(setting.name() + ": unknown role in " + setting.roles());
            }
            if (!setting.aws().keySet().equals(setting.roles())) {
                problems.add(setting.name() + ": aws values for " + setting.aws().keySet() + " but roles " + setting.roles());
            }
            if (!setting.roles().containsAll(setting.local().keySet())) {
                problems.add(setting.name() + ": local values for roles it does not list");
            }
            setting.aws().values().stream().filter(v -> v == null || v.matches("(infra|secret):.*") && !v.matches("(infra|secret):[a-z0-9_]+"))
                    .forEach(v -> problems.add(setting.name() + ": malformed aws value " + v));
        });
        return problems;
    }

    static List<String> requiredMismatches(SettingsTable table) {
        List<String> problems = new ArrayList<>();
        for (String role : SettingsTable.ROLES) {
            // transport-independent requirements: leave the transport at its in-process default
            Map<String, String> environment = awsEnvironment(table, role, null);
            List<String> baseline = missingAtStart(environment);
            if (!baseline.isEmpty()) {
                problems.add(role + ": the check refuses the role's environment from the settings file: " + baseline);
                continue;
            }
            for (String name : environment.keySet()) {
                if (name.equals("CONDUIT_ROLE")) {
                    continue; // without it the process is another role (all), not this role missing a setting
                }
                Map<String, String> reduced = new HashMap<>(environment);
                reduced.remove(name);
                boolean refused = !missingAtStart(reduced).isEmpty();
                Setting setting = table.all().get(name);
                boolean declared = setting != null && setting.required().contains(role);
                if (refused != declared) {
                    problems.add(name + " for " + role + ": ProductionSettingsCheck " + (refused ? "requires" : "does not require")
                            + " it, deploy/settings.yaml says " + (declared ? "required" : "not required"));
                }
            }
            // a setting declared required for a role must be set for that role
            table.settings().values().stream().filter(s -> s.required().contains(role) && !s.roles().contains(role))
                    .forEach(s -> problems.add(s.name() + " is required for " + role + " but not set for it"));
        }
        return problems;
    }

    /**
     * A role's environment as Terraform builds it from the settings file: placeholders for infra/secret values,
     * and for the transport what modules/conduit passes (the other transport's values are null there).
     */
    static Map<String, String> awsEnvironment(SettingsTable table, String role, String transport) {
        Set<String> absent = switch (transport == null ? "" : transport) {
            case "sqs" -> Set.of("infra:kafka_bootstrap", "infra:kafka_iam");
            case "kafka" -> Set.of("infra:sqs_queue_url");
            default -> Set.of();
        };
        Map<String, String> environment = new TreeMap<>();
        table.aws(role).forEach((name, value) -> {
            if (absent.contains(value)) {
                return;
            }
            if (value.equals("infra:events_transport")) {
                if (transport != null) {
                    environment.put(name, transport);
                }
                return;
            }
            environment.put(name, value.startsWith("infra:") || value.startsWith("secret:") ? "placeholder-" + value : value);
        });
        return environment;
    }

    /** Runs ProductionSettingsCheck on exactly this environment; the names it reports missing. */
    static List<String> missingAtStart(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("deploy", new HashMap<>(variables)));
        environment.setActiveProfiles("production");
        try {
            new ProductionSettingsCheck().onApplicationEvent(new ApplicationEnvironmentPreparedEvent(
                    new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment));
            return List.of();
        } catch (MissingSettingsException e) {
            return e.missing();
        }
    }

    static Set<String> documentedSettings(Path configurationDoc) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\| `[a-z]").matcher(Files.readString(configurationDoc));
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }

    private static SettingsTable without(SettingsTable table, String name) {
        Map<String, Setting> settings = new LinkedHashMap<>(table.settings());
        settings.remove(name);
        return new SettingsTable(settings, table.platform());
    }

    /** 1MB and 1048576-style spellings stay distinct on purpose; only blank and unset are equal. */
    private static String normalize(String value) {
        return value == null || value.isBlank() ? "" : value.trim();
    }
}
