package io.conduitscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.conduitscale.platform.security.SigningKeyGenerator;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.ConduitProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What can be checked of the Dockerfile without a Docker engine: the packaged jar extracts into the layers the
 * Dockerfile copies (same names, same order as the jar's layer index), and the application assembled from them
 * the way the image assembles it starts with the image's ENTRYPOINT as an unprivileged user (setpriv, uid 65534)
 * in a root-owned, read-only application directory, writing only to its temporary directory: the migrate role
 * migrates and exits 0, then an API instance serves requests.
 */
class DeployImageIT {

    static final int UNPRIVILEGED = 65534;
    static Path work;
    static Path layers;
    static Path app;
    static Path tmp;
    static EmbeddedPostgres database;

    @BeforeAll
    static void extractAndAssemble() throws Exception {
        // failsafe (mvn verify) runs it after packaging; a surefire pattern such as -Dtest='io.conduitscale.deploy.**'
        // also selects it, without a jar to test
        assumeTrue(System.getProperty("conduit.jar") != null, "needs the packaged jar: runs in mvn verify (failsafe)");
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "deploy-image-it-");
        layers = work.resolve("layers");
        int exit = new ProcessBuilder(java(), "-Djarmode=tools", "-jar", ConduitProcess.jar().toString(),
                "extract", "--layers", "--launcher", "--destination", layers.toString())
                .inheritIO().start().waitFor();
        assertThat(exit).as("layered jar extraction").isZero();

        // assemble /app like the Dockerfile's COPY lines, in their order, then make it read-only and root-owned
        app = work.resolve("app");
        for (String layer : dockerfileLayers()) {
            copyTree(layers.resolve(layer), app);
        }
        try (Stream<Path> files = Files.walk(app)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
        tmp = work.resolve("tmp");
        Files.createDirectories(tmp);
        Files.setAttribute(tmp, "unix:uid", UNPRIVILEGED);
        Files.setAttribute(tmp, "unix:gid", UNPRIVILEGED);
        // the unprivileged user must reach tmp through work/ and target/
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        database = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (database != null) {
            database.close();
        }
        if (work == null) {
            return;
        }
        if (app != null) {
            try (Stream<Path> files = Files.walk(app)) {
                for (Path file : files.toList()) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    @Test
    void theDockerfileCopiesExactlyTheLayersTheJarDeclaresInTheirOrder() throws IOException {
        List<String> declared = new ArrayList<>();
        Matcher layer = Pattern.compile("(?m)^- \"([^\"]+)\":").matcher(Files.readString(layers.resolve("application/BOOT-INF/layers.idx")));
        while (layer.find()) {
            declared.add(layer.group(1));
        }
        assertThat(declared).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        assertThat(dockerfileLayers()).isEqualTo(declared);
        try (Stream<Path> extracted = Files.list(layers)) {
            assertThat(extracted.map(p -> p.getFileName().toString()).sorted().toList()).containsExactlyInAnyOrderElementsOf(declared);
        }
        assertThat(app.resolve("org/springframework/boot/loader/launch/JarLauncher.class")).exists();
        assertThat(app.resolve("BOOT-INF/classes/io/conduitscale/ConduitApplication.class")).exists();
        try (Stream<Path> jars = Files.list(app.resolve("BOOT-INF/lib"))) {
            assertThat(jars.filter(j -> j.getFileName().toString().startsWith("postgresql-")).count()).isOne();
        }
    }

    @Test
    void theImageIsNonRootWithAnExecFormEntrypointOnTemurin25() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("extract --layers --launcher --destination /layers");
        List<String> from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile).results().map(m -> m.group(1)).toList();
        assertThat(from.getLast()).isEqualTo("eclipse-temurin:25-jre");
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
        assertThat(user.find()).as("numeric USER").isTrue();
        assertThat(Integer.parseInt(user.group(1))).isPositive();
        // the ECS task definitions run as the same user
        assertThat(Files.readString(Path.of("infra/terraform/modules/service/main.tf")))
                .contains("user                   = \"" + user.group(1) + ":" + user.group(2) + "\"");
        assertThat(entrypoint().getFirst()).isEqualTo("java");
        assertThat(entrypoint().getLast()).isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
        assertThat(entrypoint()).anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("*", "!pom.xml", "!src/");
    }

    @Test
    void theAssembledApplicationMigratesAndServesAsAnUnprivilegedUserWritingOnlyToTmp() throws Exception {
        Map<String, String> snapshot = snapshot(app);

        Map<String, String> migrate = databaseSettings();
        migrate.put("CONDUIT_ROLE", "migrate");
        Process migration = launch(migrate, freePort(), work.resolve("migrate.log"));
        assertThat(migration.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(migration.exitValue()).as(Files.readString(work.resolve("migrate.log"))).isZero();

        int port = freePort();
        Map<String, String> api = databaseSettings();
        api.put("CONDUIT_ROLE", "api");
        api.put("CONDUIT_JWT_ISSUER", "http://127.0.0.1:" + port);
        api.put("CONDUIT_JWT_SIGNING_KEY", SigningKeyGenerator.newPrivateJwk().toJSONString());
        api.put("CONDUIT_SHUTDOWN_DRAIN", "0s");
        api.put("CONDUIT_CACHE", "local");
        Path log = work.resolve("api.log");
        Process instance = launch(api, port, log);
        try {
            awaitReady(instance, port, log);
            assertThat(uidOf(instance.pid())).as("the JVM's real and effective uid").isEqualTo(UNPRIVILEGED);
            ApiClient client = ApiClient.forPort(port);
            String token = client.register(ApiClient.unique("image"));
            assertThat(client.get("/api/user", token).status()).isEqualTo(200);
            assertThat(client.get("/api/tags").status()).isEqualTo(200);
        } finally {
            instance.destroy(); // SIGTERM, as ECS stops a task
            assertThat(instance.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
        assertThat(snapshot(app)).as("the application directory is untouched").isEqualTo(snapshot);
        try (Stream<Path> written = Files.list(tmp)) {
            assertThat(written.map(p -> p.getFileName().toString()).toList()).as("what the JVM wrote to its tmp").anyMatch(n -> n.startsWith("tomcat"));
        }
        assertThat(Files.readString(log)).doesNotContain("AccessDeniedException").doesNotContain("Read-only file system");
    }

    // ---- helpers ----

    private static Process launch(Map<String, String> settings, int port, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups"));
        List<String> entrypoint = entrypoint();
        command.add(java());
        command.addAll(entrypoint.subList(1, entrypoint.size() - 1));
        command.add("-Xmx512m");
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add(entrypoint.getLast());
        ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("CONDUIT_PROFILE", "production");
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().putAll(settings);
        return builder.start();
    }

    private static void awaitReady(Process process, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (ApiClient.forPort(port).get("/actuator/health/readiness").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // keep polling
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready:\n" + Files.readString(log));
    }

    private static Map<String, String> databaseSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("CONDUIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres");
        settings.put("CONDUIT_DB_USER", "postgres");
        settings.put("CONDUIT_DB_PASSWORD", "unused-with-trust-auth");
        return settings;
    }

    static List<String> dockerfileLayers() throws IOException {
        List<String> copied = new ArrayList<>();
        Matcher copy = Pattern.compile("(?m)^COPY --from=build /layers/([a-z-]+)/ \\./$").matcher(Files.readString(Path.of("Dockerfile")));
        while (copy.find()) {
            copied.add(copy.group(1));
        }
        return copied;
    }

    @SuppressWarnings("unchecked")
    static List<String> entrypoint() throws IOException {
        Matcher line = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(line.find()).as("exec-form ENTRYPOINT").isTrue();
        return JsonMapper.builder().build().readValue(line.group(1), List.class);
    }

    private static int uidOf(long pid) throws IOException {
        for (String status : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (status.startsWith("Uid:")) {
                String[] ids = status.substring(4).trim().split("\\s+");
                assertThat(ids[0]).as("effective uid equals real uid").isEqualTo(ids[1]);
                return Integer.parseInt(ids[0]);
            }
        }
        throw new AssertionError("no Uid line for " + pid);
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.toList()) {
                state.put(root.relativize(file).toString(), Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis());
            }
        }
        return state;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
