package io.conduitscale.load;

import java.time.Duration;

/**
 * A fixed arrival rate: request k of a step is due {@code k / rate} seconds after the step starts, whatever
 * happened to the requests before it (an open workload model). The due time, not the moment the driver
 * managed to send, is what latency is measured from, so a stalled server cannot hide its queue by slowing the
 * driver down (coordinated omission).
 */
record RateSchedule(double requestsPerSecond, Duration duration) {

    RateSchedule {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("rate must be positive: " + requestsPerSecond);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
    }

    /** Requests due within the step: those with a due time strictly before its end. */
    long requests() {
        return (long) Math.ceil(requestsPerSecond * duration.toNanos() / 1e9);
    }

    /** Nanoseconds from the step's start to request k's due time; computed from k, so errors never add up. */
    long dueOffsetNanos(long k) {
        return (long) (k * (1e9 / requestsPerSecond));
    }
}
