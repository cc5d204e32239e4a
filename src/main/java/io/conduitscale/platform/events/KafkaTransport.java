package io.conduitscale.platform.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * Kafka through Spring Kafka. The relay sends to {@code conduit.events} keyed by aggregate, so one
 * aggregate stays in one partition and in order; the idempotent producer (acks=all) keeps a retried
 * batch from reordering. Workers consume with one offset commit per record after its handlers committed;
 * a failing record is retried with exponential back-off, then published to {@code conduit.events.dlt}
 * (same partition) and skipped, so only its own partition waits, and only for the back-off.
 * Both topics are created explicitly (partitions and replication from the settings), never auto-created.
 */
class KafkaTransport implements EventTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTransport.class);

    private final KafkaSettings settings;
    private final EventsProperties.Consumer consumer;
    private final EventMetrics metrics;
    private final DefaultKafkaProducerFactory<String, String> producerFactory;
    private final KafkaTemplate<String, String> template;
    private final Admin admin;
    private volatile boolean topicsReady;
    private ConcurrentMessageListenerContainer<String, String> container;

    KafkaTransport(KafkaSettings settings, EventsProperties.Consumer consumer, EventMetrics metrics) {
        if (settings.bootstrap() == null || settings.bootstrap().isBlank()) {
            throw new IllegalStateException("CONDUIT_EVENTS_TRANSPORT=kafka needs CONDUIT_KAFKA_BOOTSTRAP");
        }
        this.settings = settings;
        this.consumer = consumer;
        this.metrics = metrics;
        long timeout = settings.sendTimeout().toMillis();
        Map<String, Object> producer = new HashMap<>(common());
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a frozen or absent broker must fail the relay's send within the send timeout, not hang it
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout / 2));
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout / 2) + 10);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        producer.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRequestSize());
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producerFactory = new DefaultKafkaProducerFactory<>(producer);
        this.template = new KafkaTemplate<>(producerFactory);
        Map<String, Object> adminConfig = new HashMap<>(common());
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout);
        this.admin = Admin.create(adminConfig);
    }

    private Map<String, Object> common() {
        return clientConfig(settings);
    }

    /** What every client (producer, consumer, admin) shares; with {@code iam}, MSK's IAM authentication. */
    static Map<String, Object> clientConfig(KafkaSettings settings) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", settings.bootstrap());
        config.put("reconnect.backoff.max.ms", 1000);
        config.put("client.id", "conduit-" + UUID.randomUUID().toString().substring(0, 8));
        if (settings.iam()) {
            // aws-msk-iam-auth signs the SASL handshake with the task role's credentials (default AWS chain)
            config.put("security.protocol", "SASL_SSL");
            config.put("sasl.mechanism", "AWS_MSK_IAM");
            config.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
            config.put("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        }
        return config;
    }

    @Override
    public String name() {
        return "kafka";
    }

    /** Creates both topics if they do not exist; retried by the next send or consumer start until it works. */
    private void ensureTopics() {
        if (topicsReady) {
            return;
        }
        List<NewTopic> topics = List.of(
                new NewTopic(settings.topic(), settings.partitions(), settings.replicationFactor()),
                new NewTopic(settings.deadLetterTopic(), settings.partitions(), settings.replicationFactor()));
        try {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    log.info("created Kafka topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            topicsReady = true;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create Kafka topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public SendResult send(List<EventEnvelope> events) {
        Set<UUID> sent = new HashSet<>();
        Map<UUID, String> failed = new HashMap<>();
        Set<UUID> rejected = new HashSet<>();
        try {
            ensureTopics();
        } catch (RuntimeException e) {
            events.forEach(event -> failed.put(event.id(), e.getMessage()));
            return new SendResult(sent, failed);
        }
        Map<UUID, CompletableFuture<?>> pending = new LinkedHashMap<>();
        for (EventEnvelope event : events) {
            try {
                pending.put(event.id(), template.send(settings.topic(), event.aggregate(), event.toJson()));
            } catch (RuntimeException e) {
                failed.put(event.id(), e.toString());
            }
        }
        long deadline = System.nanoTime() + settings.sendTimeout().toNanos() + 1_000_000_000L;
        for (var entry : pending.entrySet()) {
            try {
                entry.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                sent.add(entry.getKey());
            } catch (ExecutionException e) {
                failed.put(entry.getKey(), String.valueOf(e.getCause()));
                if (isRefusal(e.getCause())) {
                    rejected.add(entry.getKey());
                }
            } catch (TimeoutException e) {
                failed.put(entry.getKey(), "no acknowledgement within " + settings.sendTimeout().toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.put(entry.getKey(), "interrupted");
            }
        }
        return new SendResult(sent, failed, rejected);
    }

    /** The broker (or the producer's own checks) refused this record for what it is; sending it again cannot help. */
    private static boolean isRefusal(Throwable error) {
        Throwable cause = error;
        while (cause != null) {
            if (cause instanceof RecordTooLargeException || cause instanceof InvalidRecordException) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    @Override
    public synchronized void startConsuming(EventDispatcher dispatcher) {
        if (container != null) {
            return;
        }
        Map<String, Object> config = new HashMap<>(common());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // a new group starts at the beginning: events published before the first worker ran are not skipped
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        // a killed worker's partitions move to the others within 10 s rather than the default 45 s
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        ContainerProperties properties = new ContainerProperties(settings.topic());
        properties.setAckMode(ContainerProperties.AckMode.RECORD);
        properties.setShutdownTimeout(15_000);
        // on stop (SIGTERM), each listener thread finishes the record in hand and commits it; the rest of its
        // poll (up to max.poll.records) is not processed and stays uncommitted, for the next worker
        properties.setStopImmediate(true);
        properties.setMessageListener((MessageListener<String, String>) record ->
                dispatcher.dispatch(EventEnvelope.fromJson(record.value()), name()));
        container = new ConcurrentMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config), properties);
        container.setConcurrency(consumer.concurrency());
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(Math.max(0, consumer.maxAttempts() - 1));
        backOff.setInitialInterval(consumer.backoffInitial().toMillis());
        backOff.setMultiplier(2);
        backOff.setMaxInterval(consumer.backoffMax().toMillis());
        DeadLetterPublishingRecoverer toDeadLetterTopic = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(settings.deadLetterTopic(), record.partition()));
        DefaultErrorHandler errorHandler = new DefaultErrorHandler((record, error) -> {
            log.error("event at {}-{}@{} dead-lettered after {} attempts: {}", record.topic(), record.partition(),
                    record.offset(), consumer.maxAttempts(), error.toString());
            toDeadLetterTopic.accept(record, error);
            metrics.deadLettered(name());
        }, backOff);
        // a malformed envelope will never parse: straight to the dead-letter topic
        errorHandler.addNotRetryableExceptions(IllegalArgumentException.class);
        container.setCommonErrorHandler(errorHandler);
        ensureTopicsWhenPossible();
        container.start();
    }

    private void ensureTopicsWhenPossible() {
        try {
            ensureTopics();
        } catch (RuntimeException e) {
            log.warn("Kafka topics not ready yet ({}); the consumer waits for them", e.getMessage());
        }
    }

    /** Graceful: each listener thread finishes its record and commits its offset; the rest stay in Kafka. */
    @Override
    public synchronized void stopConsuming() {
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    /** Consumer lag over all partitions: end offsets minus the group's committed offsets. */
    @Override
    public long consumerBacklog() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                    .partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < settings.partitions(); partition++) {
                latest.put(new TopicPartition(settings.topic(), partition), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(2, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    @Override
    public void close() {
        stopConsuming();
        producerFactory.destroy();
        admin.close(Duration.ofSeconds(2));
    }
}
