package io.conduitscale.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The drills' workload: a RealWorld mix of reads (article lists, single articles, comments, profiles, tags) and
 * writes (comments, each with its own Idempotency-Key) sent through the load balancer at a fixed arrival rate
 * (open model: latency is measured from the intended send time, so queueing cannot hide), with every call
 * accounted for: first status, final status, attempts, latency.
 */
final class Traffic {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One request and its fate. A write's key is also its comment's body, so the database can be asked about it. */
    record Call(boolean write, String method, String path, int firstStatus, int status, int attempts, long latencyNanos,
                String retryAfter, String error, String key, long commentId, long intendedNanos) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** No HTTP answer at all on the first attempt (connection refused, reset, timed out). */
        boolean firstUnanswered() {
            return firstStatus == 0;
        }
    }

    /** Accounting of one run. */
    record Result(List<Call> calls, double offeredRate, double seconds, long startNanos) {

        long count(Predicate<Call> p) {
            return calls.stream().filter(p).count();
        }

        List<Call> failed() {
            return calls.stream().filter(c -> !c.ok()).toList();
        }

        List<Call> writes() {
            return calls.stream().filter(Call::write).toList();
        }

        double percentileMillis(double p, Predicate<Call> which) {
            long[] sorted = calls.stream().filter(which).mapToLong(Call::latencyNanos).sorted().toArray();
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }

        double p99() {
            return percentileMillis(99, c -> true);
        }

        double maxMillis() {
            return percentileMillis(100, c -> true);
        }

        Map<String, Long> byStatus() {
            Map<String, Long> counts = new TreeMap<>();
            calls.forEach(c -> counts.merge(c.status() == 0 ? "no answer" : Integer.toString(c.status()), 1L, Long::sum));
            return counts;
        }

        /** The slowest calls, each with when it was due (seconds after the load started): where a tail comes from. */
        String slowest(int n) {
            return calls.stream().sorted(Comparator.comparingLong(Call::latencyNanos).reversed()).limit(n)
                    .map(c -> "%s %s due +%.2f s: %.0f ms (%s)".formatted(c.method(), c.path(),
                            (c.intendedNanos() - startNanos) / 1e9, c.latencyNanos() / 1e6,
                            c.status() == 0 ? "no answer" : c.status()))
                    .collect(Collectors.joining(", "));
        }

        String summary() {
            return "%d calls (%.0f/s offered over %.1f s; %d writes), statuses %s, retried %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                    .formatted(calls.size(), offeredRate, seconds, writes().size(), byStatus(),
                            count(c -> c.attempts() > 1), percentileMillis(50, c -> true), p99(), maxMillis());
        }
    }

    private final HttpClient http;
    private final String base;
    private final String authorName;
    private final List<String> slugs;
    private final List<String> writerTokens;
    private final double writeShare;
    private final AtomicInteger nextWriter = new AtomicInteger();

    private Traffic(HttpClient http, String base, String authorName, List<String> slugs, List<String> writerTokens,
                    double writeShare) {
        this.http = http;
        this.base = base;
        this.authorName = authorName;
        this.slugs = slugs;
        this.writerTokens = writerTokens;
        this.writeShare = writeShare;
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * Seeds what the mix needs through the load balancer: an author with {@code articles} articles, and
     * {@code writers} users who comment on them (the author is notified of each comment by the worker).
     */
    static Traffic seed(String base, int articles, int writers, double writeShare) {
        HttpClient http = client();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String author = "drill_author_" + run;
        String authorToken = register(http, base, author);
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < articles; i++) {
            JsonNode created = send(http, base, "POST", "/api/articles", authorToken, """
                    {"article":{"title":"Drill %s %d","description":"drill","body":"drill body","tagList":["drill","t%d"]}}"""
                    .formatted(run, i, i % 5), null, 201);
            slugs.add(created.get("article").get("slug").asString());
        }
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            tokens.add(register(http, base, "drill_w" + i + "_" + run));
        }
        return new Traffic(http, base, author, List.copyOf(slugs), List.copyOf(tokens), writeShare);
    }

    private static String register(HttpClient http, String base, String name) {
        JsonNode user = send(http, base, "POST", "/api/users", null, """
                {"user":{"username":"%s","email":"%s@drill.example","password":"drill-password-1"}}""".formatted(name, name),
                null, 201);
        return user.get("user").get("token").asString();
    }

    private static JsonNode send(HttpClient http, String base, String method, String path, String token, String body,
                                 String key, int expected) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request(base, method, path, token, body, key).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == expected) {
                    return JSON.readTree(response.body());
                }
                if (attempt >= 5 || response.statusCode() < 500) {
                    throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                if (attempt >= 5) {
                    throw new IllegalStateException(method + " " + path, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200L * attempt));
        }
    }

    private static HttpRequest.Builder request(String base, String method, String path, String token, String body, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Token " + token);
        }
        if (key != null) {
            builder.header("Idempotency-Key", key);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return builder;
    }

    /** Sends one call of the mix; writes are retried with their key when {@code retryWrites}. */
    private Call one(long intendedNanos, boolean retryWrites, boolean readsOnly) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String slug = slugs.get(random.nextInt(slugs.size()));
        if (!readsOnly && random.nextDouble() < writeShare) {
            String key = "drill-" + UUID.randomUUID();
            String token = writerTokens.get(Math.floorMod(nextWriter.getAndIncrement(), writerTokens.size()));
            String body = "{\"comment\":{\"body\":\"" + key + "\"}}";
            return call(true, "POST", "/api/articles/" + slug + "/comments", token, body, key, intendedNanos,
                    retryWrites ? 30 : 1);
        }
        String path = switch (random.nextInt(6)) {
            case 0 -> "/api/articles?limit=10";
            case 1 -> "/api/articles?tag=drill&limit=5";
            case 2 -> "/api/articles/" + slug;
            case 3 -> "/api/articles/" + slug + "/comments";
            case 4 -> "/api/profiles/" + authorName;
            default -> "/api/tags";
        };
        return call(false, "GET", path, null, null, null, intendedNanos, 1);
    }

    private Call call(boolean write, String method, String path, String token, String body, String key,
                      long intendedNanos, int maxAttempts) {
        int first = -1;
        int status = 0;
        String retryAfter = null;
        String error = null;
        long commentId = 0;
        int attempt = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (attempt < maxAttempts) {
            attempt++;
            try {
                HttpResponse<String> response = http.send(request(base, method, path, token, body, key).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
                error = status >= 300 ? response.body() : null;
                if (write && (status == 200 || status == 201)) {
                    commentId = JSON.readTree(response.body()).path("comment").path("id").asLong();
                }
            } catch (IOException e) {
                status = 0;
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 0;
                error = e.toString();
            }
            if (first < 0) {
                first = status;
            }
            // retry only what may not have been applied: no answer, or the balancer/instance saying "not now"
            // (409: the first attempt with this key is still running; the retry gets its stored answer)
            boolean retryable = status == 0 || status == 502 || status == 503 || status == 504 || (key != null && status == 409);
            if (!retryable || attempt >= maxAttempts || System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1000, 100L * attempt)));
        }
        return new Call(write, method, path, first, status, attempt, System.nanoTime() - intendedNanos, retryAfter,
                error, key, commentId, intendedNanos);
    }

    /**
     * Sends the mix at {@code rate} requests per second for {@code duration}, then waits for every call to end.
     * {@code during} runs on its own thread once the load is on (the fault to inject); the load lasts at least
     * until it returns.
     */
    Result open(double rate, Duration duration, boolean retryWrites, boolean readsOnly, Runnable during) {
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        Semaphore outstanding = new Semaphore(6000);
        long period = (long) (1e9 / rate);
        long start = System.nanoTime();
        AtomicLong end = new AtomicLong(start + duration.toNanos());
        Thread fault = null;
        AtomicReference<Throwable> faultFailure = new AtomicReference<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            if (during != null) {
                fault = Thread.ofPlatform().name("drill-fault").start(() -> {
                    try {
                        during.run();
                    } catch (Throwable t) {
                        faultFailure.set(t);
                    } finally {
                        end.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                });
            }
            for (long i = 0; ; i++) {
                long intended = start + i * period;
                if (intended > end.get() && (fault == null || !fault.isAlive())) {
                    break;
                }
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (!outstanding.tryAcquire()) {
                    calls.add(new Call(false, "GET", "(not sent: 6000 calls outstanding)", 0, 0, 0,
                            System.nanoTime() - intended, null, "client overflow", null, 0, intended));
                    continue;
                }
                threads.execute(() -> {
                    try {
                        calls.add(one(intended, retryWrites, readsOnly));
                    } finally {
                        outstanding.release();
                    }
                });
            }
        }
        if (fault != null) {
            try {
                fault.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (faultFailure.get() != null) {
            // the drill's fault did not happen as planned: its outcome would be about something else
            throw new IllegalStateException("injecting the fault failed", faultFailure.get());
        }
        List<Call> list = new ArrayList<>(calls);
        return new Result(Collections.unmodifiableList(list), rate, (System.nanoTime() - start) / 1e9, start);
    }

    /** Closed loop: {@code concurrency} clients sending reads back to back; returns completed 2xx per second. */
    double capacity(int concurrency, Duration duration) {
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                threads.execute(() -> {
                    while (System.nanoTime() < end) {
                        if (one(System.nanoTime(), false, true).ok()) {
                            ok.incrementAndGet();
                        }
                    }
                });
            }
        }
        return ok.get() / (duration.toNanos() / 1e9);
    }
}
