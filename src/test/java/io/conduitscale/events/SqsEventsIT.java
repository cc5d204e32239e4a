package io.conduitscale.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.Await;
import io.conduitscale.support.BrokerProcess;
import io.conduitscale.support.ConduitProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The packaged jar with CONDUIT_EVENTS_TRANSPORT=sqs against a real ElasticMQ process (scripts/brokers/elasticmq.sh)
 * through the real AWS SDK v2 client, as two OS processes: an {@code api} process (writes, relays the outbox)
 * and a {@code worker} process (consumes), over a PostgreSQL server the test reads directly. The FIFO queue and
 * its dead-letter queue (redrive after 4 receives) are created explicitly, as the infrastructure does.
 * Proves: events flow and one aggregate's events reach its consumers in commit order; a worker's SIGTERM stops
 * it within 30 s with nothing acknowledged left unprocessed and nothing held back; on the queue, MessageGroupId
 * is the aggregate, the deduplication id the event id, and each group is in commit order; the queue depth is
 * exported while no worker runs; with ElasticMQ frozen (SIGSTOP) and stopped, writes succeed and events wait in
 * the outbox, then all arrive; a poison message goes to the dead-letter queue while others flow; an event the
 * broker refuses parks its aggregate (later events wait, counted) while others flow.
 */
class SqsEventsIT {

    private static final int POSTGRES_PORT = 22432;
    private static final int ELASTICMQ_PORT = 22324;
    private static final int API_PORT = 22080;
    private static final int WORKER_PORT = 22081;
    private static final int MAX_RECEIVES = 4;

    static Path work;
    static EmbeddedPostgres database;
    static JdbcClient db;
    static BrokerProcess elasticmq;
    static SqsClient sqs;
    static String queueUrl;
    static String deadLetterQueueUrl;
    static Map<String, String> environment;
    static ConduitProcess api;
    static ConduitProcess worker;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of("target"), "sqs-it-").toAbsolutePath();
        database = EmbeddedPostgres.builder().setPort(POSTGRES_PORT).setDataDirectory(work.resolve("pg")).start();
        db = JdbcClient.create(database.getPostgresDatabase());
        elasticmq = BrokerProcess.elasticmq(work.resolve("elasticmq"), ELASTICMQ_PORT);
        sqs = client(elasticmq.endpoint());
        deadLetterQueueUrl = sqs.createQueue(b -> b.queueName("conduit-events-dlq.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String deadLetterArn = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterQueueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(b -> b.queueName("conduit-events.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, "30",
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVES + "\"}"))).queueUrl();

        environment = ConduitProcess.sharedEnvironment(POSTGRES_PORT);
        environment.put("CONDUIT_EVENTS_TRANSPORT", "sqs");
        environment.put("CONDUIT_SQS_QUEUE_URL", queueUrl);
        environment.put("CONDUIT_SQS_ENDPOINT", elasticmq.endpoint());
        environment.put("CONDUIT_SQS_WAIT_TIME", "1s");
        environment.put("CONDUIT_EVENTS_CONSUMER_MAX_ATTEMPTS", Integer.toString(MAX_RECEIVES));
        environment.put("CONDUIT_EVENTS_RELAY_MAX_ATTEMPTS", "3");
        api = start("api", API_PORT);
        worker = start("worker", WORKER_PORT);
    }

    static ConduitProcess start(String role, int port) throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        env.put("CONDUIT_ROLE", role);
        return ConduitProcess.start(env, work.resolve(role), port).awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {worker, api, sqs, elasticmq, database}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("closing " + closeable + ": " + e);
                }
            }
        }
    }

    @Test
    void eventsFlowInOrderSurviveOutagesAndSigtermAndDeadLetterAndParkPoison() throws Exception {
        ApiClient client = api.api();
        String author = ApiClient.unique("sauthor");
        String authorToken = client.register(author);
        String readerToken = client.register(ApiClient.unique("sreader"));

        // 1. events flow, and one aggregate's events reach the consumers in commit order
        String slug = client.createArticle(authorToken, "Sqs " + author);
        long articleId = articleId(slug);
        client.post("/api/profiles/" + author + "/follow", null, readerToken);
        client.post("/api/articles/" + slug + "/favorite", null, readerToken);
        client.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"hi\"}}", readerToken);
        for (int i = 1; i <= 5; i++) {
            client.put("/api/articles/" + slug, "{\"article\":{\"body\":\"edit " + i + "\"}}", authorToken);
        }
        long authorId = userId(author);
        await("3 notifications for the author", () -> count("SELECT count(*) FROM notifications WHERE recipient_id = " + authorId) == 3);
        await("every event of the article processed", () -> count("""
                SELECT count(*) FROM outbox_events o WHERE o.aggregate = 'article:%d'
                AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.event_id)""".formatted(articleId)) == 0);
        List<String> committed = db.sql("SELECT type FROM outbox_events WHERE aggregate = :a ORDER BY seq")
                .param("a", "article:" + articleId).query(String.class).list();
        List<String> processed = db.sql("""
                        SELECT o.type FROM outbox_events o
                        JOIN (SELECT event_id, min(processed_at) AS first FROM processed_events GROUP BY event_id) p
                          ON p.event_id = o.event_id
                        WHERE o.aggregate = :a ORDER BY p.first""")
                .param("a", "article:" + articleId).query(String.class).list();
        assertThat(committed).containsExactly("article.created", "article.favorited", "comment.added", "article.updated",
                "article.updated", "article.updated", "article.updated", "article.updated");
        assertThat(processed).isEqualTo(committed);
        assertThat(client.metric("conduit_events_produced_total", "transport=\"sqs\"")).isGreaterThan(0);
        assertThat(worker.api().metric("conduit_events_consumed_total", "transport=\"sqs\"")).isGreaterThan(0);

        // 2. SIGTERM while events flow: the worker exits within 30 s; whatever it acknowledged (deleted) it had
        // processed, and it held nothing back; the rest waits on the queue, each group in commit order
        int batch = 60;
        long processedBefore = count("SELECT count(*) FROM processed_events");
        List<String> burst = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < batch; i++) {
                String s = client.createArticle(authorToken, "burst " + author + " " + i);
                burst.add(s);
                if (i % 10 == 0) {
                    client.put("/api/articles/" + s, "{\"article\":{\"body\":\"burst edit\"}}", authorToken);
                }
            }
            writing.set(false);
        });
        await("the worker processing the burst", () -> count("SELECT count(*) FROM processed_events") >= processedBefore + 5);
        long stopping = System.nanoTime();
        worker.terminate();
        assertThat(worker.awaitExit(Duration.ofSeconds(30))).as("exit status after SIGTERM").isIn(0, 143);
        Duration exit = Duration.ofNanos(System.nanoTime() - stopping);
        writer.join(Duration.ofSeconds(60));
        assertThat(writing).isFalse();
        await("the burst relayed", () -> count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL") == 0);
        await("the queue depth exported while no worker runs",
                () -> client.metric("conduit_events_consumer_backlog") > 0);
        Map<UUID, Long> seqOf = new HashMap<>();
        db.sql("SELECT seq, event_id FROM outbox_events WHERE aggregate IN (SELECT 'article:' || id FROM articles WHERE title LIKE 'burst %')")
                .query(rs -> {
                    seqOf.put(rs.getObject("event_id", UUID.class), rs.getLong("seq"));
                });
        assertThat(seqOf).hasSize(batch + batch / 10);
        String burstIds = "'{" + String.join(",", seqOf.keySet().stream().map(UUID::toString).toList()) + "}'::uuid[]";
        Set<UUID> processedBurst = new HashSet<>(db.sql("SELECT event_id FROM processed_events WHERE event_id = ANY(" + burstIds + ")")
                .query(UUID.class).list());
        // exact in ElasticMQ: every burst event not processed is on the queue, visible (none held back by the worker)
        Map<QueueAttributeName, String> depth = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        assertThat(Long.parseLong(depth.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))).as("held back").isZero();
        assertThat(Long.parseLong(depth.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)))
                .as("waiting = burst events not processed").isEqualTo(seqOf.size() - processedBurst.size());
        List<Message> waiting = receiveAll(queueUrl);
        Map<String, List<Long>> seqsByGroup = new LinkedHashMap<>();
        Set<UUID> onQueue = new HashSet<>();
        for (Message message : waiting) {
            EventEnvelope event = EventEnvelope.fromJson(message.body());
            assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo(event.aggregate());
            assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo(event.id().toString());
            if (seqOf.containsKey(event.id())) {
                onQueue.add(event.id());
                seqsByGroup.computeIfAbsent(event.aggregate(), k -> new ArrayList<>()).add(seqOf.get(event.id()));
            }
        }
        giveBack(queueUrl, waiting);
        assertThat(onQueue).as("events on the queue after the worker stopped").isNotEmpty();
        assertThat(processedBurst).as("events the worker processed before it stopped").isNotEmpty();
        assertThat(onQueue).as("processed and still queued").doesNotContainAnyElementsOf(processedBurst);
        seqsByGroup.values().forEach(seqs -> assertThat(seqs).isSorted());
        System.out.printf("SqsEventsIT: worker exited %d ms after SIGTERM; %d burst events processed, %d waiting on the queue%n",
                exit.toMillis(), processedBurst.size(), onQueue.size());

        // a new worker takes the rest: every burst event processed exactly once
        worker = start("worker", WORKER_PORT);
        await("the burst processed", () -> count("SELECT count(*) FROM processed_events WHERE event_id = ANY(" + burstIds + ")")
                == seqOf.size());
        assertThat(count("SELECT count(*) FROM article_search WHERE article_id IN (SELECT id FROM articles WHERE title LIKE 'burst %')"))
                .isEqualTo(batch);

        // 3. ElasticMQ frozen: writes answer at once, events wait in the outbox, then all arrive
        elasticmq.freeze();
        String frozenWord = "frozen" + letters();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            client.createArticle(authorToken, frozenWord + " " + i);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
        Thread.sleep(1500);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL")).isGreaterThanOrEqualTo(3);
        assertThat(indexed(frozenWord)).isZero();
        elasticmq.thaw();
        await("events written while ElasticMQ was frozen", () -> indexed(frozenWord) == 3);

        // 4. ElasticMQ stopped: the same, and everything arrives after it restarts on its data
        elasticmq.stop();
        String stoppedWord = "stopped" + letters();
        for (int i = 0; i < 3; i++) {
            client.createArticle(authorToken, stoppedWord + " " + i);
        }
        await("the outbox backlog exported", () -> client.metric("conduit_events_outbox_backlog") >= 3);
        assertThat(indexed(stoppedWord)).isZero();
        elasticmq.start();
        await("events written while ElasticMQ was down", () -> indexed(stoppedWord) == 3);

        // 5. a poison message goes to the dead-letter queue after 4 receives while later events flow
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("this is not an event")
                .messageGroupId("article:999999999").messageDeduplicationId(UUID.randomUUID().toString()));
        String afterPoison = "after" + letters();
        client.createArticle(authorToken, afterPoison);
        await("an event after the poison", () -> indexed(afterPoison) == 1);
        List<String> deadLettered = new ArrayList<>();
        await("the poison in the dead-letter queue", () -> {
            receiveAll(deadLetterQueueUrl).forEach(m -> deadLettered.add(m.body()));
            return deadLettered.contains("this is not an event");
        });
        assertThat(worker.api().metric("conduit_events_dead_lettered_total", "transport=\"sqs\"")).isGreaterThanOrEqualTo(1);

        // 6. an event SQS refuses (U+FFFE is not allowed in a message body) parks its aggregate after 3 attempts;
        // its later event waits, the parked aggregate is counted, and every other aggregate flows.
        // (Not U+FFFF: ElasticMQ's JSON parser takes it for the end of input and fails the whole request.)
        String parked = "article:888888888";
        insertEvent(parked, "{\"note\":\"\\ufffe\"}");
        UUID waitingBehind = insertEvent(parked, "{}");
        String beside = "beside" + letters();
        client.createArticle(authorToken, beside);
        await("the aggregate parked", () -> count("SELECT count(*) FROM outbox_parked WHERE aggregate = '" + parked + "'") == 1);
        await("the parked aggregate counted", () -> client.metric("conduit_events_outbox_parked") >= 1);
        await("other aggregates flow", () -> indexed(beside) == 1);
        String afterParking = "afterparking" + letters();
        client.createArticle(authorToken, afterParking);
        await("other aggregates still flow", () -> indexed(afterParking) == 1);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL AND event_id = '" + waitingBehind + "'"))
                .as("the parked aggregate's later event waits").isEqualTo(1);
        assertThat(db.sql("SELECT last_error FROM outbox_events WHERE aggregate = :a ORDER BY seq LIMIT 1")
                .param("a", parked).query(String.class).single()).contains("InvalidMessageContents");
    }

    private static UUID insertEvent(String aggregate, String data) {
        UUID id = UUID.randomUUID();
        String envelope = """
                {"version":1,"id":"%s","type":"test.poison","aggregate":"%s","occurredAt":"2026-01-01T00:00:00Z",\
                "traceparent":null,"data":%s}""".formatted(id, aggregate, data);
        db.sql("""
                        INSERT INTO outbox_events (event_id, aggregate, bucket, type, envelope)
                        VALUES (:id, :aggregate, :bucket, 'test.poison', :envelope::jsonb)""")
                .param("id", id).param("aggregate", aggregate).param("bucket", EventEnvelope.bucketOf(aggregate))
                .param("envelope", envelope).update();
        return id;
    }

    /** Receives every message now visible on a queue and keeps them hidden for a minute. */
    private static List<Message> receiveAll(String url) {
        List<Message> all = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(60)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (messages.isEmpty()) {
                empty++;
            }
            all.addAll(messages);
        }
        return all;
    }

    private static void giveBack(String url, List<Message> messages) {
        for (int i = 0; i < messages.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = messages.subList(i, Math.min(messages.size(), i + 10)).stream()
                    .map(m -> ChangeMessageVisibilityBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build())
                    .toList();
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
        }
    }

    private static long indexed(String word) {
        return count("SELECT count(*) FROM article_search s JOIN articles a ON a.id = s.article_id WHERE a.title LIKE '"
                + word + " %' OR a.title = '" + word + "'");
    }

    private static long articleId(String slug) {
        return db.sql("SELECT id FROM articles WHERE slug = :slug").param("slug", slug).query(Long.class).single();
    }

    private static long userId(String username) {
        return db.sql("SELECT id FROM users WHERE username = :u").param("u", username).query(Long.class).single();
    }

    private static long count(String sql) {
        return db.sql(sql).query(Long.class).single();
    }

    private static String letters() {
        return Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "x");
    }

    static SqsClient client(String endpoint) {
        return SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(60), condition, api, worker);
    }
}
