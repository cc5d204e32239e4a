package io.conduitscale.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.Await;
import io.conduitscale.support.BrokerProcess;
import io.conduitscale.support.ConduitProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Spot-safe shutdown of a Kafka worker (issue 5, item 6), with the packaged jar as two OS processes over
 * one PostgreSQL server: an {@code api} process (writes, relays the outbox to a real Kafka 4.1 process)
 * and a {@code worker} process (consumes). A backlog of events is built on the topic while no worker
 * runs, and {@code conduit_events_consumer_backlog} must equal it exactly: Kafka consumer lag is the
 * signal the worker fleet scales on. A worker then starts on the backlog and gets SIGTERM mid-way. It
 * must exit within 30 s; every record below the group's committed offsets (acknowledged) must have been
 * processed and every record at or above them not, so the lag equals what is left undone. A new worker
 * then finishes the backlog: every comment has exactly one notification, counted in the domain table.
 */
class KafkaWorkerShutdownIT {

    private static final int POSTGRES_PORT = 22435;
    private static final int KAFKA_PORT = 19392;
    private static final int API_PORT = 22380;
    private static final int WORKER_PORT = 22381;
    private static final String GROUP = "conduit-workers";
    private static final int ARTICLES = 4;
    private static final int COMMENTS = 1200;

    private JdbcClient db;
    private ConduitProcess api;
    private ConduitProcess worker;

    @Test
    void sigtermMidBacklogExitsInTimeLeavesNothingAcknowledgedUnprocessedAndEveryEffectHappensOnce() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "kafka-shutdown-it-").toAbsolutePath();
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setPort(POSTGRES_PORT).setDataDirectory(work.resolve("pg")).start();
             BrokerProcess kafka = BrokerProcess.kafka(work.resolve("kafka"), KAFKA_PORT);
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
            try {
                db = JdbcClient.create(database.getPostgresDatabase());
                Map<String, String> environment = ConduitProcess.sharedEnvironment(POSTGRES_PORT);
                environment.put("CONDUIT_EVENTS_TRANSPORT", "kafka");
                environment.put("CONDUIT_KAFKA_BOOTSTRAP", kafka.bootstrap());
                environment.put("CONDUIT_KAFKA_PARTITIONS", "4");
                api = start(environment, work, "api", API_PORT).awaitReady(Duration.ofSeconds(120));
                ApiClient client = api.api();
                String author = ApiClient.unique("kshut");
                String authorToken = client.register(author);
                String readerToken = client.register(ApiClient.unique("kshutreader"));

                // the backlog, built while no worker runs: 4 articles, 1200 comments on them (one notification each)
                List<String> slugs = new ArrayList<>();
                for (int i = 0; i < ARTICLES; i++) {
                    slugs.add(client.createArticle(authorToken, "Shutdown " + author + " " + i));
                }
                try (var writers = Executors.newFixedThreadPool(4)) {
                    List<Future<Integer>> statuses = new ArrayList<>();
                    for (int i = 0; i < COMMENTS; i++) {
                        String slug = slugs.get(i % ARTICLES);
                        statuses.add(writers.submit(() -> client.post("/api/articles/" + slug + "/comments",
                                "{\"comment\":{\"body\":\"backlog\"}}", readerToken).status()));
                    }
                    for (Future<Integer> status : statuses) {
                        assertThat(status.get()).isEqualTo(201);
                    }
                }
                long events = 2 + ARTICLES + COMMENTS; // with the two user.registered, which no consumer handles
                await("the backlog relayed to Kafka", () -> count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL") == 0);
                assertThat(count("SELECT count(*) FROM outbox_events")).isEqualTo(events);
                assertThat(count("SELECT count(*) FROM notifications")).isZero();
                // no group offsets yet: the lag is every record on the topic, and the exported backlog says so
                assertThat(KafkaEventsIT.readAll(kafka.bootstrap(), "conduit.events")).hasSize((int) events);
                await("conduit_events_consumer_backlog = the whole backlog",
                        () -> client.metric("conduit_events_consumer_backlog") == events);

                // a worker starts on the backlog and gets SIGTERM once it is under way
                worker = start(environment, work, "worker", WORKER_PORT);
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (count("SELECT count(*) FROM notifications") < 20) {
                    assertThat(worker.isAlive()).as("worker running").isTrue();
                    assertThat(System.nanoTime()).as("worker processing within 180 s\n" + worker.outputTail(5000)).isLessThan(deadline);
                    Thread.sleep(10);
                }
                long atSigterm = count("SELECT count(*) FROM notifications");
                long stopping = System.nanoTime();
                worker.terminate();
                assertThat(worker.awaitExit(Duration.ofSeconds(30))).as("exit status after SIGTERM").isIn(0, 143);
                Duration exit = Duration.ofNanos(System.nanoTime() - stopping);
                long atExit = count("SELECT count(*) FROM notifications");
                // it stopped taking messages: the listener threads finished the record in hand, not the rest of their
                // polls (up to 200 records each; before stopImmediate, 367 more were processed after SIGTERM here)
                assertThat(atExit - atSigterm).as("notifications created after SIGTERM").isLessThan(100);

                // acknowledged (below the committed offset) = processed; at or above it = not processed
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                Set<UUID> processed = new HashSet<>(db.sql("SELECT DISTINCT event_id FROM processed_events").query(UUID.class).list());
                Set<UUID> acknowledged = new HashSet<>();
                Set<UUID> left = new HashSet<>();
                Set<UUID> unhandled = new HashSet<>();
                for (ConsumerRecord<String, String> record : KafkaEventsIT.readAll(kafka.bootstrap(), "conduit.events")) {
                    OffsetAndMetadata done = committed.get(new TopicPartition(record.topic(), record.partition()));
                    EventEnvelope event = EventEnvelope.fromJson(record.value());
                    (done != null && record.offset() < done.offset() ? acknowledged : left).add(event.id());
                    if (event.type().equals("user.registered")) {
                        unhandled.add(event.id());
                    }
                }
                assertThat(acknowledged.size() + left.size()).isEqualTo(events);
                assertThat(unhandled).hasSize(2);
                acknowledged.removeAll(unhandled);
                assertThat(processed).as("acknowledged events all processed").containsAll(acknowledged);
                assertThat(processed).as("processed events all acknowledged").hasSameSizeAs(acknowledged);
                assertThat(left.stream().filter(id -> !unhandled.contains(id)))
                        .as("SIGTERM came mid-backlog: events left for the next worker").isNotEmpty();
                assertThat(count("SELECT count(*) FROM notifications")).isEqualTo(atExit);
                await("conduit_events_consumer_backlog = the events left", () -> client.metric("conduit_events_consumer_backlog") == left.size());
                System.out.printf("KafkaWorkerShutdownIT: worker exited %d ms after SIGTERM; %d notifications at SIGTERM, %d at exit;"
                                + " %d of %d events acknowledged, %d left on the topic%n",
                        exit.toMillis(), atSigterm, atExit, acknowledged.size(), events, left.size());

                // a new worker finishes the backlog: every effect exactly once
                worker = start(environment, work, "worker", WORKER_PORT);
                await("the backlog processed", () -> count("SELECT count(*) FROM notifications") == COMMENTS);
                // the gauge the worker fleet scales on (from the workers' own /actuator/prometheus) follows the lag down
                await("conduit_events_consumer_backlog = 0 on the api and on the worker", () -> client.metric("conduit_events_consumer_backlog") == 0
                        && worker.api().metric("conduit_events_consumer_backlog") == 0);
                assertThat(count("SELECT count(*) FROM comments")).isEqualTo(COMMENTS);
                assertThat(count("""
                        SELECT count(*) FROM comments c
                        WHERE (SELECT count(*) FROM notifications n WHERE n.comment_id = c.id AND n.kind = 'comment') = 1"""))
                        .as("comments with exactly one notification").isEqualTo(COMMENTS);
                assertThat(count("SELECT count(*) FROM notifications")).isEqualTo(COMMENTS);
                assertThat(count("SELECT count(*) FROM article_search")).isEqualTo(ARTICLES);
                assertThat(count("SELECT count(DISTINCT event_id) FROM processed_events")).isEqualTo(ARTICLES + COMMENTS);
                // it started where the first stopped: nothing redelivered
                assertThat(worker.api().metric("conduit_events_consumed_total", "outcome=\"duplicate\"")).isZero();
            } finally {
                for (ConduitProcess process : new ConduitProcess[] {worker, api}) {
                    if (process != null) {
                        process.close();
                    }
                }
            }
        }
    }

    private static ConduitProcess start(Map<String, String> environment, Path work, String role, int port) throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        env.put("CONDUIT_ROLE", role);
        return ConduitProcess.start(env, work.resolve(role), port);
    }

    private long count(String sql) {
        return db.sql(sql).query(Long.class).single();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(90), condition, api, worker);
    }
}
