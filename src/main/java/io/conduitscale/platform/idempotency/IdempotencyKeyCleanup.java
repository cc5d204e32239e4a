package io.conduitscale.platform.idempotency;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes idempotency keys older than 24 hours, in batches, every ten minutes. Every instance does it; the
 * deletes are idempotent and cheap (an index range on {@code created_at}), so no leader is needed.
 */
@Component
class IdempotencyKeyCleanup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyCleanup.class);
    private static final int BATCH = 10_000;

    private final IdempotencyKeys keys;
    private ScheduledExecutorService scheduler;

    IdempotencyKeyCleanup(IdempotencyKeys keys) {
        this.keys = keys;
    }

    void deleteExpired() {
        try {
            int deleted;
            do {
                deleted = keys.deleteExpired(IdempotencyFilter.RETENTION, BATCH);
            } while (deleted == BATCH);
        } catch (RuntimeException e) {
            log.warn("could not delete expired idempotency keys: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("idempotency-cleanup").factory());
        scheduler.scheduleWithFixedDelay(this::deleteExpired, 1, 10, TimeUnit.MINUTES);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
