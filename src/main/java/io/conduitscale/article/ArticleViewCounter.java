package io.conduitscale.article;

import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.platform.events.EventMetrics;
import io.conduitscale.platform.events.EventTransport;
import io.conduitscale.platform.events.EventsProperties;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Counts article reads in memory and sends them to the transport in batches, one {@code article.viewed}
 * event per article per flush. Views deliberately bypass the outbox: a database write per read would
 * defeat the read path. They are the only events that may be lost: views beyond the buffer's capacity,
 * and a batch the transport refuses, are dropped and counted in {@code conduit_article_views_dropped_total};
 * so are those buffered when the process is killed (a graceful stop flushes them).
 */
@Component
class ArticleViewCounter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ArticleViewCounter.class);

    private final EventTransport transport;
    private final EventsProperties.Views settings;
    private final Counter dropped;
    private volatile Map<Long, LongAdder> pending = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread flusher;

    ArticleViewCounter(EventTransport transport, EventsProperties events, EventMetrics metrics) {
        this.transport = transport;
        this.settings = events.views();
        this.dropped = metrics.counter("conduit.article.views.dropped");
    }

    void record(long articleId) {
        Map<Long, LongAdder> current = pending;
        LongAdder views = current.get(articleId);
        if (views == null) {
            if (current.size() >= settings.maxPendingArticles()) {
                dropped.increment();
                return;
            }
            views = current.computeIfAbsent(articleId, id -> new LongAdder());
        }
        views.increment();
    }

    /** Sends what was counted since the last flush. */
    void flush() {
        Map<Long, LongAdder> batch = pending;
        if (batch.isEmpty()) {
            return;
        }
        pending = new ConcurrentHashMap<>();
        List<EventEnvelope> events = new ArrayList<>(batch.size());
        batch.forEach((articleId, views) -> events.add(EventEnvelope.create("article.viewed", "article", articleId,
                Map.of("articleId", articleId, "views", views.sum()))));
        EventTransport.SendResult result;
        try {
            result = transport.send(events);
        } catch (RuntimeException e) {
            result = new EventTransport.SendResult(java.util.Set.of(), Map.of());
        }
        long lost = 0;
        for (EventEnvelope event : events) {
            if (!result.sent().contains(event.id())) {
                lost += event.dataLong("views");
            }
        }
        if (lost > 0) {
            dropped.increment(lost);
            log.warn("dropped {} article views: the transport did not take them", lost);
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        flusher = Thread.ofPlatform().name("article-view-flusher").daemon().start(() -> {
            while (running) {
                try {
                    Thread.sleep(settings.flushInterval());
                    flush();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("article view flush failed: {}", e.toString());
                }
            }
        });
    }

    /** Flushes once more after the web server stopped taking requests (lower phase than the web server). */
    @Override
    public synchronized void stop() {
        running = false;
        if (flusher != null) {
            flusher.interrupt();
            flusher = null;
        }
        flush();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }
}
