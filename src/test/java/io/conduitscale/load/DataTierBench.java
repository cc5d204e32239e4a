package io.conduitscale.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The data-tier benchmark (scripts/bench/data-tier.sh runs it, once per configuration): one list shape at a time
 * over the generated dataset (scripts/data/generate.sh), each request with other parameters (pages, tags,
 * authors, users, offsets), measured twice:
 * <ol>
 *   <li><b>closed loop</b> ({@link ClosedLoopRunner}): {@code --clients} clients back to back for
 *   {@code --closed-seconds}: the shape's throughput at that concurrency;</li>
 *   <li><b>open loop</b> ({@link OpenLoopRunner}): a fixed arrival rate for {@code --open-seconds}, latency from
 *   each request's due time. The rate is {@code --open-share} of the closed-loop throughput of the configuration
 *   named by {@code --rates-from} (rows already in {@code --out}), or of this run's own when none is given, so
 *   every configuration meets the same offered rate.</li>
 * </ol>
 * A background writer ({@code --writes-per-second}, favorite then unfavorite of a random article by
 * {@code --writer}) keeps the commit position moving, so strong consistency has something to wait for. For each
 * shape it appends one TSV row to {@code --out} with both phases, the errors, and the read-only transactions the
 * primary and the replicas served ({@code conduit_db_reads_total}, from the instance's /actuator/prometheus).
 *
 * <pre>java ... io.conduitscale.load.DataTierBench --target http://127.0.0.1:PORT --config LABEL --out FILE [...]
 * java ... io.conduitscale.load.DataTierBench --report FILE     (the Markdown table of every row in FILE)</pre>
 */
public final class DataTierBench {

    static final String HEADER = String.join("\t", "config", "shape", "clients", "closed_requests", "closed_rps",
            "closed_p50_ms", "closed_p99_ms", "open_rps", "open_requests", "open_p50_ms", "open_p99_ms",
            "open_max_ms", "errors", "primary_reads", "replica_reads", "replica_share", "load_avg");

    /** One shape: its name and, from a random source, the path of its next request and whether it is signed in. */
    private record Shape(String name, Function<SplittableRandom, String> path, boolean signedIn) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        if (o.containsKey("report")) {
            System.out.print(markdown(Files.readAllLines(Path.of(o.get("report")))));
            return;
        }
        new DataTierBench(o).run();
    }

    private final URI target;
    private final String config;
    private final Path out;
    private final int clients;
    private final Duration closed;
    private final Duration open;
    private final double openShare;
    private final String ratesFrom;
    private final Duration warmup;
    private final double writesPerSecond;
    private final String password;
    private final String feedUser;
    private final String writer;
    private final int users;
    private final int articles;
    private final int tags;
    private final Duration timeout;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    DataTierBench(Map<String, String> o) {
        target = LoadDriver.loopback(URI.create(LoadDriver.required(o, "target")));
        config = LoadDriver.required(o, "config");
        out = Path.of(LoadDriver.required(o, "out"));
        clients = Integer.parseInt(o.getOrDefault("clients", "8"));
        closed = seconds(o.getOrDefault("closed-seconds", "8"));
        open = seconds(o.getOrDefault("open-seconds", "10"));
        openShare = Double.parseDouble(o.getOrDefault("open-share", "0.5"));
        ratesFrom = o.get("rates-from");
        warmup = seconds(o.getOrDefault("warmup-seconds", "20"));
        writesPerSecond = Double.parseDouble(o.getOrDefault("writes-per-second", "5"));
        password = o.getOrDefault("password", "conduit-load-password");
        feedUser = o.getOrDefault("feed-user", "loaduser1");
        writer = o.getOrDefault("writer", "loaduser2");
        users = Integer.parseInt(o.getOrDefault("users", "20000"));
        articles = Integer.parseInt(o.getOrDefault("articles", "500000"));
        tags = Integer.parseInt(o.getOrDefault("tags", "2000"));
        timeout = seconds(o.getOrDefault("timeout-seconds", "5"));
        double total = warmup.toSeconds() + shapes().size() * (closed.toSeconds() + open.toSeconds());
        if (total > LoadDriver.MAX_SECONDS) {
            throw new IllegalArgumentException("refusing a run of " + total + " s (bound: " + LoadDriver.MAX_SECONDS + " s)");
        }
    }

    /**
     * The shapes, in the order they run. Lists are anonymous (the page, its count and the authors: 3 statements);
     * the feed is loaduser1's, who follows 1,000 authors. {@code counts} is a page of one article, so the count
     * is most of its cost, over each filter in turn (the feed's included). Deep offsets skip 2 to 20 % of the
     * articles (10k to 100k at scale 1).
     */
    List<Shape> shapes() {
        return List.of(
                new Shape("global list", r -> "/api/articles?limit=20&offset=" + 20 * r.nextInt(50), false),
                new Shape("tag filter", r -> "/api/articles?limit=20&tag=" + tag(r) + "&offset=" + 20 * r.nextInt(3), false),
                new Shape("author filter", r -> "/api/articles?limit=20&author=" + user(r), false),
                new Shape("favorited filter", r -> "/api/articles?limit=20&favorited=" + user(r), false),
                new Shape("feed (1,000 followed)", r -> "/api/articles/feed?limit=20&offset=" + 20 * r.nextInt(10), true),
                new Shape("deep offset (2-20 %)", r -> "/api/articles?limit=20&offset=" + (articles / 50 + r.nextInt(articles * 9 / 50 + 1)), false),
                new Shape("counts (limit=1)", null, false));
    }

    private String tag(SplittableRandom r) {
        return "load-tag-" + r.nextInt(tags);
    }

    private String user(SplittableRandom r) {
        return "loaduser" + (1 + r.nextInt(users));
    }

    /** {@code counts}: the next filter in turn (global, tag, author, favorited, feed), limit 1. */
    private OpenLoopRunner.Call countCall(SplittableRandom r, long k, String token) {
        return switch ((int) (k % 5)) {
            case 0 -> get("counts (limit=1)", "/api/articles?limit=1", null);
            case 1 -> get("counts (limit=1)", "/api/articles?limit=1&tag=" + tag(r), null);
            case 2 -> get("counts (limit=1)", "/api/articles?limit=1&author=" + user(r), null);
            case 3 -> get("counts (limit=1)", "/api/articles?limit=1&favorited=" + user(r), null);
            default -> get("counts (limit=1)", "/api/articles/feed?limit=1", token);
        };
    }

    private OpenLoopRunner.Call get(String operation, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(path)).timeout(timeout);
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        return new OpenLoopRunner.Call(operation, request.build());
    }

    /** A thread-safe source of the shape's requests (the closed loop calls it from every client). */
    private Supplier<OpenLoopRunner.Call> calls(Shape shape, String token, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] k = {0};
        return () -> {
            synchronized (random) {
                if (shape.path() == null) {
                    return countCall(random, k[0]++, token);
                }
                return get(shape.name(), shape.path().apply(random), shape.signedIn() ? token : null);
            }
        };
    }

    void run() throws Exception {
        String feedToken = signIn(feedUser);
        String writerToken = signIn(writer);
        Map<String, Double> referenceRates = ratesFrom == null ? Map.of() : closedRates(ratesFrom);
        List<Shape> shapes = shapes();
        Files.createDirectories(out.toAbsolutePath().getParent());
        if (!Files.exists(out)) {
            Files.writeString(out, HEADER + "\n");
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<String, Long> writes = new TreeMap<>();
        Thread writerThread = Thread.ofVirtual().start(() -> write(writerToken, writing, writes));
        try {
            ClosedLoopRunner closedLoop = new ClosedLoopRunner(client);
            OpenLoopRunner openLoop = new OpenLoopRunner(client, 2000, timeout);
            if (!warmup.isZero()) {
                // JIT, connection pools, the replica's and the primary's buffers: every shape in turn, not measured
                Duration each = Duration.ofMillis(warmup.toMillis() / shapes.size());
                for (Shape shape : shapes) {
                    closedLoop.run(clients, each, calls(shape, feedToken, 1));
                }
                System.out.printf(Locale.ROOT, "%s: warm-up %d s done%n", config, warmup.toSeconds());
            }
            long seed = 100;
            for (Shape shape : shapes) {
                ServerCounters before = ServerCounters.scrape(client, List.of(target));
                StepStats capacity = closedLoop.run(clients, closed, calls(shape, feedToken, seed++));
                double closedRps = capacity.ok() / Math.max(capacity.spanSeconds(), closed.toMillis() / 1000.0);
                double rate = Math.max(1, openShare * referenceRates.getOrDefault(shape.name(), closedRps));
                StepStats latency = openLoop.run(new RateSchedule(rate, open), calls(shape, feedToken, seed++));
                ServerCounters counters = ServerCounters.scrape(client, List.of(target)).minus(before);
                Map<String, Long> errors = new TreeMap<>(capacity.errors());
                latency.errors().forEach((cause, n) -> errors.merge(cause, n, Long::sum));
                String row = String.join("\t", config, shape.name(), Integer.toString(clients),
                        Long.toString(capacity.completed()), fmt(closedRps, 1), fmt(capacity.percentileMillis(50), 2),
                        fmt(capacity.percentileMillis(99), 2), fmt(rate, 1), Long.toString(latency.completed()),
                        fmt(latency.percentileMillis(50), 2), fmt(latency.percentileMillis(99), 2),
                        fmt(latency.maxMillis(), 1), errors.isEmpty() ? "-" : joined(errors),
                        fmt(counters.primaryReads(), 0), fmt(counters.replicaReads(), 0),
                        Double.isNaN(counters.replicaReadShare()) ? "-" : fmt(counters.replicaReadShare(), 4),
                        fmt(ProcessCpu.loadAverage(), 2));
                Files.writeString(out, row + "\n", StandardOpenOption.APPEND);
                System.out.println(row);
            }
        } finally {
            writing.set(false);
            writerThread.join();
        }
        System.out.printf(Locale.ROOT, "%s: background writes (favorite + unfavorite, %.1f/s): %s%n", config,
                writesPerSecond, joined(writes));
    }

    /** Favorite, then unfavorite, a random article, {@code writesPerSecond} requests a second, until told to stop. */
    private void write(String token, AtomicBoolean writing, Map<String, Long> outcomes) {
        if (writesPerSecond <= 0) {
            return;
        }
        SplittableRandom random = new SplittableRandom(7);
        long pause = (long) (1e9 / writesPerSecond);
        long next = System.nanoTime();
        while (writing.get()) {
            String slug = "load-article-" + (1 + random.nextInt(articles));
            for (String method : List.of("POST", "DELETE")) {
                String outcome = OpenLoopRunner.send(client, HttpRequest.newBuilder(target.resolve("/api/articles/" + slug + "/favorite"))
                        .timeout(timeout).header("Authorization", "Token " + token)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build());
                synchronized (outcomes) {
                    outcomes.merge(outcome, 1L, Long::sum);
                }
                next += pause;
                long left = next - System.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(left);
                }
            }
        }
    }

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private String signIn(String username) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(target.resolve("/api/users/login"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":{\"email\":\"" + username
                        + "@load.conduit.test\",\"password\":\"" + password + "\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher token = TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("sign-in of " + username + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return token.group(1);
    }

    /** Closed-loop throughput per shape of an earlier configuration, from the rows in {@code out}. */
    private Map<String, Double> closedRates(String reference) throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Map<String, String> row : rows(Files.readAllLines(out))) {
            if (row.get("config").equals(reference)) {
                rates.put(row.get("shape"), Double.parseDouble(row.get("closed_rps")));
            }
        }
        if (rates.isEmpty()) {
            throw new IllegalStateException("no rows of configuration " + reference + " in " + out);
        }
        return rates;
    }

    static List<Map<String, String>> rows(List<String> lines) {
        return LoadReport.read(lines, HEADER);
    }

    /** The table docs/database.md shows: rows grouped by shape, configurations side by side. */
    static String markdown(List<String> lines) {
        List<Map<String, String>> rows = rows(lines);
        StringBuilder md = new StringBuilder();
        md.append("| shape | config | closed loop: requests | req/s | p50 ms | p99 ms | open loop: offered req/s "
                + "| requests | p50 ms | p99 ms | errors | read tx on replica | load avg |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        List<String> shapeOrder = rows.stream().map(r -> r.get("shape")).distinct().toList();
        for (String shape : shapeOrder) {
            for (Map<String, String> r : rows) {
                if (!r.get("shape").equals(shape)) {
                    continue;
                }
                String share = r.get("replica_share").equals("-") ? "-" : String.format(Locale.ROOT, "%.1f %% (%s of %d)",
                        100 * Double.parseDouble(r.get("replica_share")), r.get("replica_reads"),
                        Long.parseLong(r.get("replica_reads")) + Long.parseLong(r.get("primary_reads")));
                md.append("| ").append(String.join(" | ", shape, r.get("config"), r.get("closed_requests"),
                        r.get("closed_rps"), r.get("closed_p50_ms"), r.get("closed_p99_ms"), r.get("open_rps"),
                        r.get("open_requests"), r.get("open_p50_ms"), r.get("open_p99_ms"),
                        r.get("errors").replace(",", ", "), share, r.get("load_avg"))).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String joined(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis((long) (1000 * Double.parseDouble(value)));
    }

    private static String fmt(double value, int decimals) {
        return LoadDriver.fmt(value, decimals);
    }
}
