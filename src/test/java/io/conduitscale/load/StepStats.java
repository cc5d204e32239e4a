package io.conduitscale.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * What happened to the requests of one step: one latency histogram over all of them (microseconds, measured
 * from each request's due time) and one per operation, counts of 2xx answers and of everything else by cause
 * ({@code 503}, {@code timeout}, {@code connect}, {@code not-sent} ...).
 */
final class StepStats {

    /** Latencies above a minute are clamped: no request of the harness waits that long. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final Histogram all = new Histogram(HIGHEST_MICROS, 3);
    private final Map<String, Histogram> byOperation = new TreeMap<>();
    private final Map<String, Long> okByOperation = new TreeMap<>();
    private final Map<String, Long> errors = new TreeMap<>();
    private long ok;
    private long firstDueNanos = Long.MAX_VALUE;
    private long lastDoneNanos = Long.MIN_VALUE;

    /** A request that got an answer (any status) or failed, {@code latencyNanos} after it was due. */
    synchronized void record(String operation, String outcome, long dueNanos, long doneNanos) {
        long micros = Math.min(HIGHEST_MICROS, Math.max(0, (doneNanos - dueNanos) / 1000));
        all.recordValue(micros);
        byOperation.computeIfAbsent(operation, o -> new Histogram(HIGHEST_MICROS, 3)).recordValue(micros);
        if (outcome.startsWith("2")) {
            ok++;
            okByOperation.merge(operation, 1L, Long::sum);
        } else {
            errors.merge(outcome, 1L, Long::sum);
        }
        firstDueNanos = Math.min(firstDueNanos, dueNanos);
        lastDoneNanos = Math.max(lastDoneNanos, doneNanos);
    }

    synchronized long completed() {
        return all.getTotalCount();
    }

    synchronized long ok() {
        return ok;
    }

    synchronized long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    synchronized Map<String, Long> errors() {
        return new TreeMap<>(errors);
    }

    /** Latency at this percentile (0..100) in milliseconds, over every completed request. */
    synchronized double percentileMillis(double percentile) {
        return all.getValueAtPercentile(percentile) / 1000.0;
    }

    synchronized double maxMillis() {
        return all.getMaxValue() / 1000.0;
    }

    synchronized double percentileMillis(String operation, double percentile) {
        Histogram histogram = byOperation.get(operation);
        return histogram == null ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    synchronized Map<String, Long> countByOperation() {
        Map<String, Long> counts = new TreeMap<>();
        byOperation.forEach((operation, histogram) -> counts.put(operation, histogram.getTotalCount()));
        return counts;
    }

    synchronized long okCount(String operation) {
        return okByOperation.getOrDefault(operation, 0L);
    }

    /** Seconds from the first request's due time to the last answer: the window achieved rates divide by. */
    synchronized double spanSeconds() {
        return lastDoneNanos < firstDueNanos ? 0 : (lastDoneNanos - firstDueNanos) / 1e9;
    }
}
