package io.conduitscale.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.BrokerProcess;
import io.conduitscale.support.ConduitProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The exactly-once drill. An {@code api} process takes a steady stream of writes and reads while three
 * {@code worker} processes, which are also the only relays, are killed with {@code kill -9} twenty times,
 * in turn (each has two turns to restart) and at random moments, each restarted at once: so most kills land mid-batch in a consumer and
 * in the relay holding the outbox leases. The broker is a real ElasticMQ (SQS) process. Afterwards every
 * consumer effect, counted in the domain tables themselves and at a local webhook receiver, happened
 * exactly once: one notification per follow, comment and favorite; view totals equal to the reads; one
 * search row per article; one received delivery id per notification.
 */
class EventsKillDrillIT {

    private static final int POSTGRES_PORT = 22433;
    private static final int ELASTICMQ_PORT = 22326;
    private static final int API_PORT = 22180;
    private static final int[] WORKER_PORTS = {22181, 22182, 22183};
    private static final int RECEIVER_PORT = 22199;
    private static final int KILLS = 20;

    @Test
    void everyEffectHappensExactlyOnceAcrossTwentyKills() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "kill-drill-").toAbsolutePath();
        Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", RECEIVER_PORT), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            posts.computeIfAbsent(exchange.getRequestHeaders().getFirst("X-Conduit-Delivery"), id -> new AtomicInteger())
                    .incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        ConduitProcess api = null;
        ConduitProcess[] workers = new ConduitProcess[WORKER_PORTS.length];
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setPort(POSTGRES_PORT).setDataDirectory(work.resolve("pg")).start();
             BrokerProcess elasticmq = BrokerProcess.elasticmq(work.resolve("elasticmq"), ELASTICMQ_PORT);
             SqsClient sqs = SqsEventsIT.client(elasticmq.endpoint())) {
            JdbcClient db = JdbcClient.create(database.getPostgresDatabase());
            String deadLetterUrl = sqs.createQueue(b -> b.queueName("drill-dlq.fifo")
                    .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
            String deadLetterArn = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterUrl)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            String queueUrl = sqs.createQueue(b -> b.queueName("drill.fifo").attributes(Map.of(
                    QueueAttributeName.FIFO_QUEUE, "true",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"50\"}")))
                    .queueUrl();

            Map<String, String> common = ConduitProcess.sharedEnvironment(POSTGRES_PORT);
            common.put("CONDUIT_EVENTS_TRANSPORT", "sqs");
            common.put("CONDUIT_SQS_QUEUE_URL", queueUrl);
            common.put("CONDUIT_SQS_ENDPOINT", elasticmq.endpoint());
            common.put("CONDUIT_SQS_WAIT_TIME", "1s");
            // a killed worker's messages come back after 5 s, its relay's buckets move after 3 s
            common.put("CONDUIT_SQS_VISIBILITY_TIMEOUT", "5s");
            common.put("CONDUIT_EVENTS_RELAY_LEASE", "3s");
            common.put("CONDUIT_EVENTS_CONSUMER_MAX_ATTEMPTS", "50");
            common.put("CONDUIT_WEBHOOKS_TIMEOUT", "2s");
            common.put("CONDUIT_WEBHOOKS_ALLOWED_PRIVATE_TARGETS", "127.0.0.1");
            // restarts are the drill's pace: start the JVM quickly rather than run it fast
            common.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            Map<String, String> apiEnvironment = new HashMap<>(common);
            apiEnvironment.put("CONDUIT_ROLE", "api");
            apiEnvironment.put("CONDUIT_EVENTS_RELAY_ENABLED", "false"); // the relays are the workers, which get killed
            Map<String, String> workerEnvironment = new HashMap<>(common);
            workerEnvironment.put("CONDUIT_ROLE", "worker");

            api = ConduitProcess.start(apiEnvironment, work.resolve("api"), API_PORT);
            for (int i = 0; i < workers.length; i++) {
                workers[i] = ConduitProcess.start(workerEnvironment, work.resolve("worker-" + i), WORKER_PORTS[i]);
            }
            api.awaitReady(Duration.ofSeconds(120));
            for (ConduitProcess worker : workers) {
                worker.awaitReady(Duration.ofSeconds(120));
            }

            ApiClient client = api.api();
            String author = ApiClient.unique("drill");
            String authorToken = client.register(author);
            assertThat(client.put("/api/user/webhook", "{\"webhook\":{\"url\":\"http://127.0.0.1:" + RECEIVER_PORT + "/hook\"}}",
                    authorToken).status()).isEqualTo(200);
            List<String> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(client.register(ApiClient.unique("drillreader")));
            }

            // the writer: articles (search rows), reads (views), comments and favorites and follows (notifications, webhooks)
            AtomicLong articles = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            AtomicLong notifying = new AtomicLong();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Throwable> writerErrors = new ArrayList<>();
            boolean[] following = new boolean[readers.size()];
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; writing.get(); i++) {
                        String slug = client.createArticle(authorToken, "drill " + author + " " + i);
                        articles.incrementAndGet();
                        for (int r = 0; r < 2; r++) {
                            assertThat(client.get("/api/articles/" + slug, null).status()).isEqualTo(200);
                            reads.incrementAndGet();
                        }
                        int reader = i % readers.size();
                        String token = readers.get(reader);
                        assertThat(client.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"c\"}}", token).status())
                                .isEqualTo(201);
                        assertThat(client.post("/api/articles/" + slug + "/favorite", null, token).status()).isEqualTo(200);
                        notifying.addAndGet(2);
                        if (i % 5 == 0) {
                            if (following[reader]) {
                                client.delete("/api/profiles/" + author + "/follow", token);
                            } else {
                                client.post("/api/profiles/" + author + "/follow", null, token);
                                notifying.incrementAndGet();
                            }
                            following[reader] = !following[reader];
                        }
                        Thread.sleep(60);
                    }
                } catch (Throwable e) {
                    writerErrors.add(e);
                }
            });

            long seed = System.nanoTime();
            Random random = new Random(seed);
            int relayKills = 0;
            long started = System.nanoTime();
            for (int kill = 0; kill < KILLS; kill++) {
                int target = kill % workers.length;
                workers[target].awaitReady(Duration.ofSeconds(120));
                Thread.sleep(500 + random.nextInt(1500));
                if (workers[target].api().metric("conduit_events_relay_buckets") > 0) {
                    relayKills++;
                }
                workers[target].kill();
                workers[target] = ConduitProcess.start(workerEnvironment, work.resolve("worker-" + target), WORKER_PORTS[target]);
            }
            writing.set(false);
            writer.join(Duration.ofSeconds(30));
            assertThat(writerErrors).isEmpty();
            for (ConduitProcess worker : workers) {
                worker.awaitReady(Duration.ofSeconds(120));
            }
            System.out.printf("EventsKillDrillIT: %d kill -9s (%d of the relay holding the leases) in %d s, seed %d; "
                            + "%d articles, %d reads, %d notifying actions written%n", KILLS, relayKills,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), seed, articles.get(), reads.get(), notifying.get());

            long authorId = db.sql("SELECT id FROM users WHERE username = :u").param("u", author).query(Long.class).single();
            String drillArticles = "SELECT id FROM articles WHERE title LIKE 'drill " + author + " %'";
            await("the outbox relayed", () -> db.sql("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL").query(Long.class).single() == 0,
                    workers);
            await("every notification", () -> db.sql("SELECT count(*) FROM notifications WHERE recipient_id = :a")
                    .param("a", authorId).query(Long.class).single() >= notifying.get(), workers);
            await("every search row", () -> db.sql("SELECT count(*) FROM article_search WHERE article_id IN (" + drillArticles + ")")
                    .query(Long.class).single() >= articles.get(), workers);
            long dropped = (long) api.api().metric("conduit_article_views_dropped_total");
            await("every view", () -> db.sql("SELECT coalesce(sum(views), 0) FROM article_view_counts WHERE article_id IN (" + drillArticles + ")")
                    .query(Long.class).single() >= reads.get() - dropped, workers);
            await("every webhook delivery", () -> posts.size() >= notifying.get(), workers);
            Thread.sleep(3000); // anything that would happen twice has had time to

            assertThat(db.sql("SELECT count(*) FROM notifications WHERE recipient_id = :a").param("a", authorId).query(Long.class).single())
                    .as("notifications").isEqualTo(notifying.get());
            assertThat(db.sql("SELECT count(*) FROM article_search WHERE article_id IN (" + drillArticles + ")").query(Long.class).single())
                    .as("search rows").isEqualTo(articles.get());
            assertThat(dropped).as("views dropped by the api process").isZero();
            assertThat(db.sql("SELECT coalesce(sum(views), 0) FROM article_view_counts WHERE article_id IN (" + drillArticles + ")")
                    .query(Long.class).single()).as("view totals").isEqualTo(reads.get());
            assertThat(posts).as("webhook deliveries received, by delivery id").hasSize((int) notifying.get());
            assertThat(db.sql("SELECT count(*) FROM webhook_deliveries WHERE user_id = :a AND status = 'delivered'")
                    .param("a", authorId).query(Long.class).single()).as("deliveries recorded delivered").isEqualTo(notifying.get());
            assertThat(sqs.receiveMessage(b -> b.queueUrl(deadLetterUrl).waitTimeSeconds(1)).messages()).as("dead-lettered").isEmpty();
            long repeats = posts.values().stream().mapToLong(n -> n.get() - 1).sum();
            System.out.printf("EventsKillDrillIT: exactly once: %d notifications, %d search rows, %d views, %d webhook delivery ids "
                    + "(%d re-POSTs of a delivery id after a kill between POST and record)%n", notifying.get(), articles.get(),
                    reads.get(), posts.size(), repeats);
        } finally {
            for (ConduitProcess worker : workers) {
                if (worker != null) {
                    worker.close();
                }
            }
            if (api != null) {
                api.close();
            }
            receiver.stop(0);
        }
    }

    private static void await(String what, BooleanSupplier condition, ConduitProcess[] workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        StringBuilder logs = new StringBuilder();
        for (ConduitProcess worker : workers) {
            String output = worker.output();
            logs.append(output, Math.max(0, output.length() - 4000), output.length()).append("\n---\n");
        }
        throw new AssertionError("not within 90 s: " + what + "\n" + logs);
    }
}
