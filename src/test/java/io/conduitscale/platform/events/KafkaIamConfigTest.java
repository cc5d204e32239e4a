package io.conduitscale.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * CONDUIT_KAFKA_IAM, as far as it can be checked offline: the clients are configured for SASL_SSL with
 * AWS_MSK_IAM, and a real Kafka producer accepts that configuration, which loads aws-msk-iam-auth's login
 * module and callback handler (no broker is contacted while constructing it). Authenticating against MSK
 * itself needs AWS and is not tested here.
 */
class KafkaIamConfigTest {

    private static KafkaSettings settings(boolean iam) {
        return new KafkaSettings("127.0.0.1:22999", "conduit.events", "conduit.events.dlt", 1, (short) 1, "g",
                Duration.ofSeconds(1), 1_048_576, iam);
    }

    @Test
    void iamSwitchesTheClientsToSaslSslWithMskIam() {
        Map<String, Object> config = KafkaTransport.clientConfig(settings(true));
        assertThat(config).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;")
                .containsEntry("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        assertThat(KafkaTransport.clientConfig(settings(false))).doesNotContainKeys("security.protocol", "sasl.mechanism");

        Map<String, Object> producer = new HashMap<>(config);
        producer.put("key.serializer", StringSerializer.class);
        producer.put("value.serializer", StringSerializer.class);
        try (KafkaProducer<String, String> client = new KafkaProducer<>(producer)) {
            assertThat(client.metrics()).isNotEmpty();
        }
    }
}
