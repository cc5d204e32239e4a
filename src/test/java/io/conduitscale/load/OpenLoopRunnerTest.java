package io.conduitscale.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The harness's measuring logic against a real HTTP server on loopback: fixed arrival rates, and latency from
 * the due time, so a server slower than the offered rate shows its queue (no coordinated omission).
 */
class OpenLoopRunnerTest {

    private static final int PORT = 24990;
    private HttpServer server;
    private ExecutorService serverThreads;

    @Test
    void dueTimesFollowTheRateWithoutDrift() {
        RateSchedule schedule = new RateSchedule(3, Duration.ofSeconds(10));
        assertThat(schedule.requests()).isEqualTo(30);
        assertThat(schedule.dueOffsetNanos(0)).isZero();
        assertThat(schedule.dueOffsetNanos(29)).isBetween(9_666_666_000L, 9_666_667_000L);
        RateSchedule fast = new RateSchedule(5000, Duration.ofMillis(1500));
        assertThat(fast.requests()).isEqualTo(7500);
        assertThat(fast.dueOffsetNanos(5000)).isEqualTo(1_000_000_000L);
    }

    @Test
    void aServerSlowerThanTheOfferedRateShowsItsQueueInTheLatencies() throws Exception {
        // one server thread, 50 ms per request: 20 requests/s at most, offered 40/s for 2 s
        start(50);
        StepStats stats = new OpenLoopRunner(client(), 1000, Duration.ofSeconds(10))
                .run(new RateSchedule(40, Duration.ofSeconds(2)), this::call);
        assertThat(stats.ok()).isEqualTo(80);
        // request k is due at 25 ms * k and done near 50 ms * (k + 1): the median waits about a second and the
        // last ones two; a driver that waited for each answer before sending the next would report ~50 ms
        assertThat(stats.percentileMillis(50)).isGreaterThan(700);
        assertThat(stats.percentileMillis(99)).isGreaterThan(1600);
        double achieved = stats.ok() / stats.spanSeconds();
        assertThat(achieved).isBetween(14.0, 22.0);
    }

    @Test
    void aStalledDriverCountsTheStallInTheLatenciesOfTheRequestsItSentLate() throws Exception {
        // the server is fast, but the driver itself stops for 500 ms (as in a GC pause) at the 10th request:
        // the requests due meanwhile go out late, and their latency counts from when they were due
        start(0);
        int[] made = {0};
        StepStats stats = new OpenLoopRunner(client(), 1000, Duration.ofSeconds(10))
                .run(new RateSchedule(100, Duration.ofSeconds(1)), () -> {
                    if (made[0]++ == 10) {
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return call();
                });
        assertThat(stats.ok()).isEqualTo(100);
        // about 50 of the 100 were due during the stall, waiting from 500 ms down to 0; measured from the
        // moment they were sent, all 100 would be fast
        assertThat(stats.percentileMillis(75)).isGreaterThan(150);
        assertThat(stats.percentileMillis(90)).isGreaterThan(300);
        assertThat(stats.maxMillis()).isGreaterThan(450);
    }

    @Test
    void aServerFasterThanTheOfferedRateAnswersEveryRequestQuickly() throws Exception {
        start(0);
        OpenLoopRunner runner = new OpenLoopRunner(client(), 1000, Duration.ofSeconds(10));
        runner.run(new RateSchedule(100, Duration.ofMillis(500)), this::call); // connections and JIT warm
        StepStats stats = runner.run(new RateSchedule(200, Duration.ofSeconds(1)), this::call);
        assertThat(stats.ok()).isEqualTo(200);
        assertThat(stats.errorCount()).isZero();
        // well under the 700+ ms of the slow server above, with room for a busy machine
        assertThat(stats.percentileMillis(50)).isLessThan(100);
        assertThat(stats.spanSeconds()).isBetween(0.9, 1.5);
    }

    @Test
    void requestsBeyondTheInFlightBoundAreCountedAsNotSent() throws Exception {
        start(200);
        StepStats stats = new OpenLoopRunner(client(), 2, Duration.ofSeconds(10))
                .run(new RateSchedule(50, Duration.ofMillis(400)), this::call);
        assertThat(stats.completed()).isEqualTo(20);
        assertThat(stats.errors().get("not-sent")).isGreaterThanOrEqualTo(15L);
    }

    @Test
    void readsTheServersCountersFromThePrometheusText() {
        ServerCounters counters = ServerCounters.parse("""
                # TYPE conduit_cache_requests_total counter
                conduit_cache_requests_total{application="conduit-scale",cache="article",result="hit"} 90.0
                conduit_cache_requests_total{application="conduit-scale",cache="profile",result="hit"} 5.0
                conduit_cache_requests_total{application="conduit-scale",cache="article",result="miss"} 5.0
                conduit_db_statements_total{application="conduit-scale",origin="request",pool="primary"} 12.0
                conduit_db_statements_total{application="conduit-scale",origin="background",pool="primary"} 3.0
                conduit_db_statements_total{application="conduit-scale",origin="request",pool="replica-1"} 40.0
                conduit_db_statements_created{application="conduit-scale",origin="request",pool="primary"} 1.7E9
                conduit_db_reads_total{application="conduit-scale",pool="replica-1",reason="caught-up"} 27.0
                conduit_db_reads_total{application="conduit-scale",pool="primary",reason="behind"} 2.0
                conduit_db_reads_total{application="conduit-scale",pool="primary",reason="retry"} 1.0
                """);
        assertThat(counters.hitRatio()).isEqualTo(0.95);
        assertThat(counters.primaryStatements()).isEqualTo(15);
        assertThat(counters.replicaStatements()).isEqualTo(40);
        assertThat(ServerCounters.NONE.hitRatio()).isNaN();
        assertThat(counters.primaryReads()).isEqualTo(3);
        assertThat(counters.replicaReads()).isEqualTo(27);
        assertThat(counters.replicaReadShare()).isEqualTo(0.9);
        assertThat(ServerCounters.NONE.replicaReadShare()).isNaN();
    }

    @Test
    void parsesProcStatEvenWhenTheCommandHoldsParenthesesAndSpaces() {
        ProcessCpu.Stat stat = ProcessCpu.Stat.parse(
                "4242 (postgres: conduit conduit 127.0.0.1(5000) idle) S 4000 4000 4000 0 -1 4194560 900 0 0 0 "
                        + "321 45 7 8 20 0 1 0 3000 230000000 2000 18446744073709551615");
        assertThat(stat.pid()).isEqualTo(4242);
        assertThat(stat.ppid()).isEqualTo(4000);
        assertThat(stat.ownTicks()).isEqualTo(366);
        assertThat(stat.childTicks()).isEqualTo(15);
        // and this very JVM uses CPU that the sampler sees
        ProcessCpu self = new ProcessCpu(java.util.Map.of("self", java.util.List.of(ProcessHandle.current().pid())));
        double before = self.sample().get("self");
        long x = 0;
        for (long deadline = System.nanoTime() + 300_000_000L; System.nanoTime() < deadline; ) {
            x += System.nanoTime() % 7;
        }
        assertThat(self.sample().get("self") - before).as("busy for 0.3 s (%d)", x).isGreaterThan(0.1);
    }

    @Test
    void theReportTurnsTheDriversRowsIntoAMarkdownTableAndAChart() {
        String row = String.join("\t", "bare", "300", "12.0", "3600", "3600", "3590", "299.2", "2.10", "8.40",
                "19.70", "80.1", "429=10", "-", "812.5", "0.0", "api=2.1000;driver=0.4000", "api=0.630;driver=0.120",
                "3.50", "0.050");
        var rows = LoadReport.read(java.util.List.of(LoadDriver.HEADER, row));
        assertThat(rows).hasSize(1);
        String table = LoadReport.markdown(rows);
        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table.lines().toList().get(2))
                .isEqualTo("| bare | 300 | 299.2 | 2.10 | 8.40 | 19.70 | 429=10 | - | 812.5 | 0.0 | api=2.1000, driver=0.4000 | 3.50 |");
        assertThat(LoadReport.svg(rows)).startsWith("<svg").contains("<polyline").contains(">bare<");
    }

    @Test
    void refusesTargetsOffThisMachine() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadDriver.loopback(URI.create("http://192.0.2.1:80")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LoadDriver.loopback(URI.create("http://127.0.0.1:24000"))).isNotNull();
    }

    private OpenLoopRunner.Call call() {
        return new OpenLoopRunner.Call("get", HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/x"))
                .timeout(Duration.ofSeconds(10)).build());
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private void start(long millisPerRequest) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 1000);
        serverThreads = Executors.newSingleThreadExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(millisPerRequest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }
}
