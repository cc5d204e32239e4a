package io.conduitscale.platform.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kafka transport ({@code CONDUIT_KAFKA_*}), used when {@code CONDUIT_EVENTS_TRANSPORT=kafka}.
 *
 * @param bootstrap         bootstrap servers, e.g. {@code b-1.msk.example:9092,b-2.msk.example:9092}
 * @param topic             the events topic; the key is the aggregate, so one aggregate stays in one partition
 * @param deadLetterTopic   where events go after the consumer's attempts are used up
 * @param partitions        partitions of both topics when this process creates them
 * @param replicationFactor replication of both topics when created (3 on MSK)
 * @param groupId           consumer group of the workers
 * @param sendTimeout       how long the relay waits for the broker before it counts a publish as failed
 * @param maxRequestSize    largest message the producer sends
 * @param iam               authenticate to MSK with IAM (SASL_SSL, AWS_MSK_IAM; credentials from the default AWS chain)
 */
@ConfigurationProperties("conduit.kafka")
public record KafkaSettings(
        String bootstrap,
        @DefaultValue("conduit.events") String topic,
        @DefaultValue("conduit.events.dlt") String deadLetterTopic,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("conduit-workers") String groupId,
        @DefaultValue("5s") Duration sendTimeout,
        @DefaultValue("1048576") int maxRequestSize,
        @DefaultValue("false") boolean iam) {}
