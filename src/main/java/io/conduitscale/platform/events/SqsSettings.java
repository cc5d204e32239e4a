package io.conduitscale.platform.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The SQS transport ({@code CONDUIT_SQS_*}), used when {@code CONDUIT_EVENTS_TRANSPORT=sqs}. The queue is
 * a FIFO queue with a redrive policy to a dead-letter queue, created by the infrastructure (docs/events.md).
 *
 * @param queueUrl     URL of the FIFO queue ({@code ....fifo})
 * @param endpoint     a non-AWS endpoint, such as ElasticMQ in tests; unset for AWS
 * @param region       AWS region; credentials come from the default AWS chain
 * @param waitTime     long-poll wait of one receive; bounds how long a stopping worker waits for its poll
 * @param visibilityTimeout how long a received message stays hidden while a worker processes it
 */
@ConfigurationProperties("conduit.sqs")
public record SqsSettings(
        String queueUrl,
        String endpoint,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("2s") Duration waitTime,
        @DefaultValue("30s") Duration visibilityTimeout) {}
