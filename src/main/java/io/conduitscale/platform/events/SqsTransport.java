package io.conduitscale.platform.events;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Amazon SQS through AWS SDK v2. The queue is FIFO: MessageGroupId = aggregate keeps one aggregate's
 * events in order (and lets other groups pass a stuck one), MessageDeduplicationId = event id drops a
 * relay's re-send within SQS's 5-minute window (consumers deduplicate beyond it). The queue's redrive
 * policy (maxReceiveCount = CONDUIT_EVENTS_CONSUMER_MAX_ATTEMPTS) moves a message that keeps failing to
 * the dead-letter queue. A failed message is made visible again after an exponential back-off.
 */
class SqsTransport implements EventTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsTransport.class);
    private static final int BATCH = 10;

    private final SqsSettings settings;
    private final EventsProperties.Consumer consumer;
    private final EventMetrics metrics;
    private final SqsClient sqs;
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean consuming;

    SqsTransport(SqsSettings settings, EventsProperties.Consumer consumer, EventMetrics metrics) {
        if (settings.queueUrl() == null || settings.queueUrl().isBlank()) {
            throw new IllegalStateException("CONDUIT_EVENTS_TRANSPORT=sqs needs CONDUIT_SQS_QUEUE_URL");
        }
        this.settings = settings;
        this.consumer = consumer;
        this.metrics = metrics;
        SqsClientBuilder builder = SqsClient.builder()
                .region(Region.of(settings.region()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(settings.waitTime().plusSeconds(5)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(settings.waitTime().plusSeconds(8)).build());
        if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
            // an SQS-compatible server (ElasticMQ) accepts any signature; AWS credentials still win if present
            builder.credentialsProvider(System.getenv("AWS_ACCESS_KEY_ID") != null ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(AwsBasicCredentials.create("conduit", "conduit")));
        }
        this.sqs = builder.build();
    }

    @Override
    public String name() {
        return "sqs";
    }

    @Override
    public SendResult send(List<EventEnvelope> events) {
        Set<UUID> sent = new HashSet<>();
        Map<UUID, String> failed = new HashMap<>();
        Set<UUID> rejected = new HashSet<>();
        Set<String> failedGroups = new HashSet<>();
        List<EventEnvelope> batch = new ArrayList<>(BATCH);
        for (EventEnvelope event : events) {
            batch.add(event);
            if (batch.size() == BATCH) {
                sendBatch(batch, sent, failed, rejected, failedGroups);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            sendBatch(batch, sent, failed, rejected, failedGroups);
        }
        return new SendResult(sent, failed, rejected);
    }

    /** Batches go out one after another, so a group's order across batches holds; a failed group sends no more. */
    private void sendBatch(List<EventEnvelope> batch, Set<UUID> sent, Map<UUID, String> failed, Set<UUID> rejected,
                           Set<String> failedGroups) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        Map<String, EventEnvelope> byEntryId = new HashMap<>();
        for (EventEnvelope event : batch) {
            if (failedGroups.contains(event.aggregate())) {
                continue;
            }
            String entryId = "e" + entries.size();
            byEntryId.put(entryId, event);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(entryId)
                    .messageBody(event.toJson())
                    .messageGroupId(event.aggregate())
                    .messageDeduplicationId(event.id().toString())
                    .build());
        }
        if (entries.isEmpty()) {
            return;
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(entries));
            response.successful().forEach(ok -> sent.add(byEntryId.get(ok.id()).id()));
            response.failed().forEach(error -> {
                EventEnvelope event = byEntryId.get(error.id());
                failed.put(event.id(), error.code() + ": " + error.message());
                failedGroups.add(event.aggregate());
                if (Boolean.TRUE.equals(error.senderFault())) {
                    // SQS answered and refused this message (e.g. InvalidMessageContents): a poison, not an outage
                    rejected.add(event.id());
                }
            });
        } catch (RuntimeException e) {
            for (EventEnvelope event : byEntryId.values()) {
                failed.put(event.id(), e.toString());
                failedGroups.add(event.aggregate());
            }
        }
    }

    @Override
    public synchronized void startConsuming(EventDispatcher dispatcher) {
        if (consuming) {
            return;
        }
        consuming = true;
        for (int i = 0; i < consumer.concurrency(); i++) {
            pollers.add(Thread.ofPlatform().name("sqs-poller-" + i).daemon().start(() -> poll(dispatcher)));
        }
    }

    private void poll(EventDispatcher dispatcher) {
        while (consuming) {
            List<Message> messages;
            try {
                messages = sqs.receiveMessage(r -> r.queueUrl(settings.queueUrl())
                        .maxNumberOfMessages(BATCH)
                        .waitTimeSeconds((int) Math.max(0, settings.waitTime().toSeconds()))
                        .visibilityTimeout((int) settings.visibilityTimeout().toSeconds())
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            } catch (RuntimeException e) {
                if (consuming) {
                    log.warn("SQS receive failed, retrying: {}", e.toString());
                    sleep(Duration.ofSeconds(1));
                }
                continue;
            }
            process(dispatcher, messages);
        }
    }

    /** Handles a received batch in order. A group with a failure stops there; what is not done goes back. */
    private void process(EventDispatcher dispatcher, List<Message> messages) {
        List<Message> done = new ArrayList<>();
        List<Message> giveBack = new ArrayList<>();
        Set<String> failedGroups = new HashSet<>();
        for (Message message : messages) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            if (!consuming || failedGroups.contains(group)) {
                giveBack.add(message);
                continue;
            }
            int receives = Integer.parseInt(message.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
            EventEnvelope event;
            try {
                event = EventEnvelope.fromJson(message.body());
            } catch (RuntimeException malformed) {
                // it will never parse: no back-off, so the redrive policy moves it to the dead-letter queue at once
                failedGroups.add(group);
                log.error("SQS message {} is not an event envelope (receive {}), on its way to the dead-letter queue: {}",
                        message.messageId(), receives, malformed.toString());
                if (receives >= consumer.maxAttempts()) {
                    metrics.deadLettered(name());
                }
                giveBack.add(message);
                continue;
            }
            try {
                dispatcher.dispatch(event, name());
                done.add(message);
            } catch (RuntimeException e) {
                failedGroups.add(group);
                if (receives >= consumer.maxAttempts()) {
                    // the queue's redrive policy moves it to the dead-letter queue on its next receive
                    log.error("SQS message {} failed {} times, leaving it to the dead-letter queue: {}",
                            message.messageId(), receives, e.toString());
                    metrics.deadLettered(name());
                    hide(message, Duration.ZERO);
                } else {
                    long delay = Math.min(consumer.backoffMax().toMillis(), consumer.backoffInitial().toMillis() << Math.min(receives - 1, 10));
                    log.warn("SQS message {} failed (receive {}), retrying in {} ms: {}", message.messageId(), receives, delay, e.toString());
                    hide(message, Duration.ofMillis(delay));
                }
            }
        }
        if (!done.isEmpty()) {
            try {
                sqs.deleteMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(done.stream()
                        .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                        .toList()));
            } catch (RuntimeException e) {
                // they come back after the visibility timeout and are skipped as duplicates
                log.warn("SQS delete failed: {}", e.toString());
            }
        }
        if (!giveBack.isEmpty()) {
            try {
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(settings.queueUrl()).entries(giveBack.stream()
                        .map(m -> ChangeMessageVisibilityBatchRequestEntry.builder().id(m.messageId())
                                .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build())
                        .toList()));
            } catch (RuntimeException e) {
                log.warn("SQS give-back failed; the messages return after their visibility timeout: {}", e.toString());
            }
        }
    }

    private void hide(Message message, Duration delay) {
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(settings.queueUrl()).receiptHandle(message.receiptHandle())
                    .visibilityTimeout((int) Math.ceil(delay.toMillis() / 1000.0)));
        } catch (RuntimeException e) {
            log.warn("SQS visibility change failed: {}", e.toString());
        }
    }

    /** Stops polling; each poller finishes the message in hand and gives back the rest of its batch. */
    @Override
    public synchronized void stopConsuming() {
        consuming = false;
        for (Thread poller : pollers) {
            try {
                poller.join(settings.waitTime().plusSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pollers.clear();
    }

    /** Visible plus in-flight messages of the queue. */
    @Override
    public long consumerBacklog() {
        try {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(settings.queueUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                    + Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        stopConsuming();
        sqs.close();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
