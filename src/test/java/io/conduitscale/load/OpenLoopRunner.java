package io.conduitscale.load;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Sends requests at the due times of a {@link RateSchedule}, each on its own virtual thread, and records every
 * answer's latency from its due time. One dispatcher thread only sleeps until the next due time; it never
 * waits for answers, so a slow server meets more concurrent requests, as it would in production. If the
 * dispatcher itself falls behind (the machine is busy), the late requests go out at once and their latency
 * still counts from when they were due.
 *
 * <p>Bounded: at most {@code maxInFlight} requests are outstanding; a request due while that many are
 * outstanding is not sent and counted as {@code not-sent}, with the timeout as its latency (it would have
 * waited at least that long).
 */
final class OpenLoopRunner {

    /** One request of the mix: its operation name (for the per-operation figures) and the HTTP request. */
    record Call(String operation, HttpRequest request) {
    }

    private final HttpClient client;
    private final int maxInFlight;
    private final Duration timeout;

    OpenLoopRunner(HttpClient client, int maxInFlight, Duration timeout) {
        this.client = client;
        this.maxInFlight = maxInFlight;
        this.timeout = timeout;
    }

    StepStats run(RateSchedule schedule, Supplier<Call> calls) throws InterruptedException {
        StepStats stats = new StepStats();
        AtomicInteger inFlight = new AtomicInteger();
        long requests = schedule.requests();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            for (long k = 0; k < requests; k++) {
                long due = start + schedule.dueOffsetNanos(k);
                sleepUntil(due);
                Call call = calls.get();
                if (inFlight.get() >= maxInFlight) {
                    stats.record(call.operation(), "not-sent", due, due + timeout.toNanos());
                    continue;
                }
                inFlight.incrementAndGet();
                threads.execute(() -> {
                    try {
                        stats.record(call.operation(), send(client, call.request()), due, System.nanoTime());
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            }
            // the executor's close waits for the outstanding requests; each ends within the timeout
        }
        return stats;
    }

    /** The answer's status code, or the cause of the failure ({@code timeout}, {@code connect}, {@code io}). */
    static String send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return Integer.toString(response.statusCode());
        } catch (HttpTimeoutException e) {
            return "timeout";
        } catch (ConnectException e) {
            return "connect";
        } catch (IOException e) {
            return "io";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void sleepUntil(long due) throws InterruptedException {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    Duration timeout() {
        return timeout;
    }
}
