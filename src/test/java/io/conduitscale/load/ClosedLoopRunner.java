package io.conduitscale.load;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A closed workload model: {@code clients} virtual threads, each sending its next request as soon as the
 * previous one is answered, for a fixed time. What it measures is capacity (answers per second at that
 * concurrency); its latencies count from the moment each request was sent, so they include no queueing in
 * front of the clients and understate what an open arrival stream at the same rate would see
 * ({@link OpenLoopRunner} measures that). The supplier is called from every client thread: it must be
 * thread-safe.
 */
final class ClosedLoopRunner {

    private final HttpClient client;

    ClosedLoopRunner(HttpClient client) {
        this.client = client;
    }

    StepStats run(int clients, Duration duration, Supplier<OpenLoopRunner.Call> calls) {
        StepStats stats = new StepStats();
        long end = System.nanoTime() + duration.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                threads.execute(() -> {
                    while (System.nanoTime() < end) {
                        OpenLoopRunner.Call call = calls.get();
                        long sent = System.nanoTime();
                        stats.record(call.operation(), OpenLoopRunner.send(client, call.request()), sent, System.nanoTime());
                    }
                });
            }
        }
        return stats;
    }
}
