package io.conduitscale.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.BrokerProcess;
import io.conduitscale.support.ConduitProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with CONDUIT_EVENTS_TRANSPORT=kafka against a real Kafka 4.1 broker process:
 * events flow end to end; with the broker frozen (SIGSTOP) and stopped, writes still succeed and their
 * events wait in the outbox, then all arrive; one aggregate's events are on the topic in commit order;
 * a poison message lands in the dead-letter topic while the rest flow.
 */
class KafkaEventsIT {

    private static final int KAFKA_PORT = 19292;

    @Test
    void eventsFlowSurviveBrokerOutagesKeepOrderAndDeadLetterPoison() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "kafka-it-").toAbsolutePath();
        try (BrokerProcess kafka = BrokerProcess.kafka(work.resolve("kafka"), KAFKA_PORT);
             ConduitProcess app = ConduitProcess.start(Map.of(
                     "CONDUIT_EVENTS_TRANSPORT", "kafka",
                     "CONDUIT_KAFKA_BOOTSTRAP", kafka.bootstrap(),
                     "CONDUIT_KAFKA_PARTITIONS", "4",
                     "CONDUIT_KAFKA_SEND_TIMEOUT", "2s"), work.resolve("app")).awaitReady(Duration.ofSeconds(120))) {
            ApiClient api = app.api();
            String author = ApiClient.unique("kauthor");
            String authorToken = api.register(author);
            String readerToken = api.register(ApiClient.unique("kreader"));
            String slug = api.createArticle(authorToken, "Kafka " + author);
            api.post("/api/profiles/" + author + "/follow", null, readerToken);
            api.post("/api/articles/" + slug + "/favorite", null, readerToken);
            api.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"hi\"}}", readerToken);
            for (int i = 1; i <= 5; i++) {
                api.put("/api/articles/" + slug, "{\"article\":{\"body\":\"edit " + i + "\"}}", authorToken);
            }
            await(() -> api.get("/api/notifications", authorToken).json().get("notificationsCount").asLong() == 3, app);
            assertThat(metric(api, "conduit_events_produced_total", "kafka")).isGreaterThan(0);
            assertThat(metric(api, "conduit_events_consumed_total", "kafka")).isGreaterThan(0);

            // frozen broker: writes succeed at once, their events wait in the outbox
            kafka.freeze();
            List<String> whileFrozen = new ArrayList<>();
            String frozenWord = "frozen" + letters();
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                whileFrozen.add(api.createArticle(authorToken, frozenWord + " " + i));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            }
            await(() -> metric(api, "conduit_events_outbox_backlog", null) >= 3, app);
            assertThat(api.get("/api/articles?q=" + frozenWord, null).json().get("articlesCount").asLong()).isZero();
            kafka.thaw();
            await(() -> api.get("/api/articles?q=" + frozenWord, null).json().get("articlesCount").asLong() == 3, app);

            // stopped broker: the same, and everything arrives after it restarts
            kafka.stop();
            String stoppedWord = "stopped" + letters();
            for (int i = 0; i < 3; i++) {
                api.createArticle(authorToken, stoppedWord + " " + i);
            }
            Thread.sleep(2000);
            assertThat(api.get("/api/articles?q=" + stoppedWord, null).json().get("articlesCount").asLong()).isZero();
            kafka.start();
            await(() -> api.get("/api/articles?q=" + stoppedWord, null).json().get("articlesCount").asLong() == 3, app);

            // one aggregate's events are on the topic in commit order: our article is the one updated 5 times
            Map<String, List<String>> typesByAggregate = new java.util.HashMap<>();
            for (ConsumerRecord<String, String> record : readAll(kafka.bootstrap(), "conduit.events")) {
                String type = typeOf(record.value());
                if (!type.equals("article.viewed")) {
                    typesByAggregate.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(type);
                }
            }
            List<String> ours = typesByAggregate.values().stream()
                    .filter(types -> types.stream().filter("article.updated"::equals).count() == 5)
                    .findFirst().orElseThrow();
            assertThat(ours).containsExactly("article.created", "article.favorited", "comment.added", "article.updated",
                    "article.updated", "article.updated", "article.updated", "article.updated");

            // a poison message goes to the dead-letter topic; later events still flow
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka.bootstrap()))) {
                producer.send(new ProducerRecord<>("conduit.events", "article:999999999", "this is not an event")).get();
            }
            String afterPoison = "after" + letters();
            api.createArticle(authorToken, afterPoison);
            await(() -> api.get("/api/articles?q=" + afterPoison, null).json().get("articlesCount").asLong() == 1, app);
            await(() -> readAll(kafka.bootstrap(), "conduit.events.dlt").stream()
                    .anyMatch(r -> r.value().equals("this is not an event")), app);
            assertThat(metric(api, "conduit_events_dead_lettered_total", "kafka")).isGreaterThanOrEqualTo(1);
        }
    }

    private static String typeOf(String value) {
        return value.replaceAll(".*\"type\":\"([^\"]+)\".*", "$1");
    }

    private static String letters() {
        return Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "x");
    }

    static double metric(ApiClient api, String name, String transport) {
        String text = api.get("/actuator/prometheus").text();
        double sum = 0;
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(text);
        while (matcher.find()) {
            if (transport == null || matcher.group(1).contains("transport=\"" + transport + "\"")) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }

    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrap);
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    static Properties producerConfig(String bootstrap) {
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrap);
        config.put("key.serializer", StringSerializer.class.getName());
        config.put("value.serializer", StringSerializer.class.getName());
        return config;
    }

    static void await(BooleanSupplier condition, ConduitProcess app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        String output = app.output();
        throw new AssertionError("condition not met within 60 s; last output:\n" + output.substring(Math.max(0, output.length() - 6000)));
    }
}
