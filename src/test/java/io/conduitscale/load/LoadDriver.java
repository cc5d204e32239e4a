package io.conduitscale.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The load harness's command line (scripts/bench/load.sh runs it): signs in a pool of readers, then drives the
 * {@link RealWorldMix} at each offered rate in turn (open model, {@link OpenLoopRunner}), and appends one TSV
 * row per step to {@code --out}: offered and achieved rate, latency percentiles from the due times, errors by
 * cause, the cache hit ratio and SQL statements per second on primary and replicas (the servers' counters),
 * and CPU milliseconds per request of each named process group (/proc). {@link LoadReport} turns the rows
 * into docs/performance's tables and charts.
 *
 * <p>Bounded on purpose: loopback targets only, at most {@link #MAX_REQUESTS} requests and
 * {@link #MAX_SECONDS} seconds of load per invocation.
 */
public final class LoadDriver {

    static final long MAX_REQUESTS = 5_000_000;
    static final long MAX_SECONDS = 900;
    static final String HEADER = String.join("\t", "config", "offered_rps", "seconds", "due", "completed", "ok",
            "achieved_rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "cache_hit_ratio", "primary_qps",
            "replica_qps", "cpu_ms_per_request", "cpu_cores", "load_avg", "write_share");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, List<Long>> cpuGroups = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (!key.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + key);
            }
            String value = args[++i];
            if (key.equals("--cpu")) {
                // name=pid[,pid...]; an empty PID list (a process the configuration does not run) is skipped
                String[] parts = value.split("=", 2);
                List<Long> pids = Arrays.stream(parts.length > 1 ? parts[1].split(",") : new String[0])
                        .map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
                if (!pids.isEmpty()) {
                    cpuGroups.put(parts[0], pids);
                }
            } else {
                options.put(key.substring(2), value);
            }
        }
        cpuGroups.put("driver", List.of(ProcessHandle.current().pid()));
        new LoadDriver(options, cpuGroups).run();
    }

    private final URI target;
    private final List<URI> metrics;
    private final String config;
    private final List<Double> rates;
    private final Duration step;
    private final Duration warmup;
    private final double warmupRate;
    private final double writeShare;
    private final String datasetSpec;
    private final int readerCount;
    private final String password;
    private final Path out;
    private final int maxInFlight;
    private final Duration timeout;
    private final double stopP99Millis;
    private final ProcessCpu cpu;
    private final HttpClient client;

    LoadDriver(Map<String, String> o, Map<String, List<Long>> cpuGroups) {
        target = loopback(URI.create(required(o, "target")));
        metrics = Arrays.stream(o.getOrDefault("metrics", "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> loopback(URI.create(s))).toList();
        config = o.getOrDefault("config", "unnamed");
        rates = Arrays.stream(o.getOrDefault("rates", "100,200,400").split(",")).map(Double::parseDouble).toList();
        step = Duration.ofMillis((long) (1000 * Double.parseDouble(o.getOrDefault("step-seconds", "15"))));
        warmup = Duration.ofMillis((long) (1000 * Double.parseDouble(o.getOrDefault("warmup-seconds", "10"))));
        warmupRate = Double.parseDouble(o.getOrDefault("warmup-rate", "100"));
        writeShare = Double.parseDouble(o.getOrDefault("write-share", "0.05"));
        datasetSpec = o.getOrDefault("dataset", "discover");
        readerCount = Integer.parseInt(o.getOrDefault("readers", "24"));
        password = o.getOrDefault("password", "conduit-load-password");
        out = Path.of(o.getOrDefault("out", "target/load/results.tsv"));
        maxInFlight = Integer.parseInt(o.getOrDefault("max-in-flight", "2000"));
        timeout = Duration.ofMillis((long) (1000 * Double.parseDouble(o.getOrDefault("timeout-seconds", "5"))));
        stopP99Millis = Double.parseDouble(o.getOrDefault("stop-p99-ms", "2000"));
        cpu = new ProcessCpu(cpuGroups);
        double seconds = warmup.toSeconds() + rates.size() * step.toMillis() / 1000.0;
        double requests = warmupRate * warmup.toSeconds() + rates.stream().mapToDouble(r -> r * step.toMillis() / 1000.0).sum();
        if (seconds > MAX_SECONDS || requests > MAX_REQUESTS) {
            throw new IllegalArgumentException("refusing a run of " + seconds + " s / " + (long) requests
                    + " requests (bounds: " + MAX_SECONDS + " s, " + MAX_REQUESTS + " requests)");
        }
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    void run() throws Exception {
        List<RealWorldMix.Reader> readers;
        Dataset data;
        if (datasetSpec.startsWith("generated:")) {
            String[] n = datasetSpec.split(":");
            data = Dataset.generated(Integer.parseInt(n[1]), Integer.parseInt(n[2]), Integer.parseInt(n[3]));
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= Math.min(readerCount, data.users()); i++) {
                names.add("loaduser" + i);
            }
            readers = signIn(names, false);
        } else {
            String run = Long.toString(System.currentTimeMillis() % 10_000_000, 36);
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= readerCount; i++) {
                names.add("loadreader" + run + "x" + i);
            }
            readers = signIn(names, true);
            data = discover(readers);
        }
        System.out.printf(Locale.ROOT, "%s: %d readers signed in; dataset %d articles, %d users, %d tags; cpu groups %s%n",
                config, readers.size(), data.articles(), data.users(), data.tags(), cpu.groups());
        RealWorldMix mix = new RealWorldMix(target, data, readers, writeShare, timeout, 42);
        OpenLoopRunner runner = new OpenLoopRunner(client, maxInFlight, timeout);
        if (!warmup.isZero()) {
            StepStats stats = runner.run(new RateSchedule(warmupRate, warmup), mix::next);
            System.out.printf(Locale.ROOT, "%s warm-up: %.0f/s for %d s, %d ok, %d errors %s, p99 %.1f ms%n", config,
                    warmupRate, warmup.toSeconds(), stats.ok(), stats.errorCount(), stats.errors(), stats.percentileMillis(99));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        if (!Files.exists(out)) {
            Files.writeString(out, HEADER + "\n");
        }
        for (double rate : rates) {
            ServerCounters countersBefore = ServerCounters.scrape(client, metrics);
            Map<String, Double> cpuBefore = cpu.sample();
            StepStats stats = runner.run(new RateSchedule(rate, step), mix::next);
            Map<String, Double> cpuAfter = cpu.sample();
            ServerCounters counters = ServerCounters.scrape(client, metrics).minus(countersBefore);
            String row = row(rate, stats, counters, cpuBefore, cpuAfter);
            Files.writeString(out, row + "\n", StandardOpenOption.APPEND);
            print(rate, stats, row);
            double errorShare = stats.completed() == 0 ? 1 : (double) stats.errorCount() / stats.completed();
            if (stats.percentileMillis(99) > stopP99Millis || errorShare > 0.2) {
                System.out.printf(Locale.ROOT, "%s: saturated at %.0f/s (p99 %.0f ms, %.0f %% errors); higher rates skipped%n",
                        config, rate, stats.percentileMillis(99), 100 * errorShare);
                break;
            }
        }
    }

    private String row(double rate, StepStats stats, ServerCounters counters, Map<String, Double> cpuBefore,
                       Map<String, Double> cpuAfter) {
        double span = Math.max(stats.spanSeconds(), step.toMillis() / 1000.0);
        String errors = stats.errors().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        StringBuilder perRequest = new StringBuilder();
        StringBuilder cores = new StringBuilder();
        for (String group : cpuAfter.keySet()) {
            double used = cpuAfter.get(group) - cpuBefore.getOrDefault(group, 0.0);
            if (perRequest.length() > 0) {
                perRequest.append(';');
                cores.append(';');
            }
            perRequest.append(group).append('=').append(fmt(stats.completed() == 0 ? 0 : 1000 * used / stats.completed(), 4));
            cores.append(group).append('=').append(fmt(used / span, 3));
        }
        return String.join("\t", config, fmt(rate, 0), fmt(step.toMillis() / 1000.0, 1),
                Long.toString(new RateSchedule(rate, step).requests()), Long.toString(stats.completed()),
                Long.toString(stats.ok()), fmt(stats.ok() / span, 1), fmt(stats.percentileMillis(50), 2),
                fmt(stats.percentileMillis(95), 2), fmt(stats.percentileMillis(99), 2), fmt(stats.maxMillis(), 1),
                errors.isEmpty() ? "-" : errors, Double.isNaN(counters.hitRatio()) ? "-" : fmt(counters.hitRatio(), 4),
                fmt(counters.primaryStatements() / span, 1), fmt(counters.replicaStatements() / span, 1),
                perRequest.toString(), cores.toString(), fmt(ProcessCpu.loadAverage(), 2), fmt(writeShare, 3));
    }

    private void print(double rate, StepStats stats, String row) {
        String[] f = row.split("\t");
        System.out.printf(Locale.ROOT, "%s offered %.0f/s: achieved %s/s, p50 %s ms, p95 %s ms, p99 %s ms, max %s ms, errors %s, "
                        + "hit ratio %s, primary %s q/s, replica %s q/s, load %s%n  cpu ms/request %s%n  cores %s%n",
                config, rate, f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14], f[17], f[15], f[16]);
        StringBuilder ops = new StringBuilder("  per operation (count, 2xx, p99 ms):");
        stats.countByOperation().forEach((op, n) -> ops.append(String.format(Locale.ROOT, " %s %d/%d/%.1f", op, n,
                stats.okCount(op), stats.percentileMillis(op, 99))));
        System.out.println(ops);
    }

    /** Logs each name in (or registers it first), two at a time: each sign-in is one Argon2 hash on the server. */
    private List<RealWorldMix.Reader> signIn(List<String> usernames, boolean register) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<RealWorldMix.Reader>> futures = new ArrayList<>();
            for (String name : usernames) {
                futures.add(pool.submit(() -> signIn(name, register)));
            }
            List<RealWorldMix.Reader> readers = new ArrayList<>();
            for (Future<RealWorldMix.Reader> future : futures) {
                readers.add(future.get());
            }
            return readers;
        }
    }

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private RealWorldMix.Reader signIn(String username, boolean register) throws Exception {
        String email = username + (register ? "@harness.conduit.test" : "@load.conduit.test");
        String path = register ? "/api/users" : "/api/users/login";
        String body = register
                ? "{\"user\":{\"username\":\"" + username + "\",\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}"
                : "{\"user\":{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}";
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(target.resolve(path))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher token = TOKEN.matcher(response.body());
            if (response.statusCode() / 100 == 2 && token.find()) {
                return new RealWorldMix.Reader(username, token.group(1));
            }
            // 503 (hashing slots busy) and 429 are worth a retry; anything else is a wrong dataset or password
            if ((response.statusCode() != 503 && response.statusCode() != 429) || attempt == 10) {
                throw new IllegalStateException("sign-in of " + username + " at " + path + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
            Thread.sleep(500L * attempt);
        }
    }

    private static final Pattern SLUG = Pattern.compile("\"slug\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern USERNAME = Pattern.compile("\"username\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TAGS = Pattern.compile("\"tags\"\\s*:\\s*\\[([^]]*)]");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Reads the newest articles, their authors and the tags; writes a few articles first if there are none. */
    private Dataset discover(List<RealWorldMix.Reader> readers) throws Exception {
        if (!SLUG.matcher(get("/api/articles?limit=1", null)).find()) {
            for (int i = 0; i < 60; i++) {
                RealWorldMix.Reader author = readers.get(i % readers.size());
                String json = "{\"article\":{\"title\":\"Harness article " + i + " " + author.username()
                        + "\",\"description\":\"Seed\",\"body\":\"" + "Seed body. ".repeat(30)
                        + "\",\"tagList\":[\"harness-" + (i % 7) + "\",\"harness\"]}}";
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(target.resolve("/api/articles"))
                        .header("Content-Type", "application/json").header("Authorization", "Token " + author.token())
                        .header("Idempotency-Key", "harness-seed-" + author.username() + "-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("seeding an article: HTTP " + r.statusCode() + " " + r.body());
                }
            }
        }
        Set<String> slugs = new LinkedHashSet<>();
        Set<String> users = new LinkedHashSet<>();
        for (int offset = 0; offset < 1000; offset += 100) {
            String page = get("/api/articles?limit=100&offset=" + offset, null);
            int before = slugs.size();
            SLUG.matcher(page).results().forEach(m -> slugs.add(m.group(1)));
            USERNAME.matcher(page).results().forEach(m -> users.add(m.group(1)));
            if (slugs.size() == before) {
                break;
            }
        }
        readers.forEach(r -> users.add(r.username()));
        List<String> tags = new ArrayList<>();
        Matcher tagList = TAGS.matcher(get("/api/tags", null));
        if (tagList.find()) {
            STRING.matcher(tagList.group(1)).results().forEach(m -> tags.add(m.group(1)));
        }
        return Dataset.listed(List.copyOf(slugs), List.copyOf(users), tags);
    }

    private String get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Load goes to this machine only. */
    static URI loopback(URI uri) {
        try {
            if (uri.getHost() == null || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                throw new IllegalArgumentException("load targets must be loopback addresses (127.0.0.1): " + uri);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve " + uri, e);
        }
        return uri;
    }

    static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
