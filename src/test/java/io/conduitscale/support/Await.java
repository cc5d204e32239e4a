package io.conduitscale.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds; on time-out, fails with the end of each named process's output. */
public final class Await {

    private Await() {}

    /**
     * Checks {@code condition} every 250 ms for at most {@code timeout}. A RuntimeException from the condition
     * (a process still starting or restarting, say) counts as not yet.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, ConduitProcess... processes)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // e.g. a process restarting
            }
            Thread.sleep(250);
        }
        StringBuilder message = new StringBuilder("not within " + timeout.toSeconds() + " s: " + what);
        for (ConduitProcess process : processes) {
            if (process != null) {
                message.append("\n--- port ").append(process.port()).append(":\n").append(process.outputTail(5000));
            }
        }
        throw new AssertionError(message);
    }
}
