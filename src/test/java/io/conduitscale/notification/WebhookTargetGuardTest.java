package io.conduitscale.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses the webhook SSRF guard treats as inside the network, and its test-only allowance. */
class WebhookTargetGuardTest {

    @Test
    void internalAddressesAreRecognisedAndPublicOnesAreNot() {
        for (String internal : List.of("127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1",
                "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255",
                "198.18.0.1", "192.0.0.8", "::", "::1", "fe80::1", "fc00::1", "fd00:ec2::254", "::ffff:10.0.0.1",
                "::10.0.0.1", "64:ff9b::a9fe:a9fe", "ff02::1")) {
            assertThat(WebhookTargetGuard.isInternal(InetAddress.ofLiteral(internal))).as(internal).isTrue();
        }
        for (String external : List.of("93.184.215.14", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
                "192.169.0.1", "169.253.1.1", "2606:4700::1111", "64:ff9b::808:808", "::ffff:8.8.8.8")) {
            assertThat(WebhookTargetGuard.isInternal(InetAddress.ofLiteral(external))).as(external).isFalse();
        }
    }

    @Test
    void onlyTheListedAddressesAreExempt() {
        WebhookTargetGuard guard = new WebhookTargetGuard(List.of("127.0.0.1"));
        assertThat(guard.refusal(URI.create("http://127.0.0.1:8080/hook"))).isEmpty();
        assertThat(guard.refusal(URI.create("http://127.0.0.2/hook"))).isPresent();
        assertThat(guard.refusal(URI.create("http://[::1]/hook"))).isPresent();
        assertThat(new WebhookTargetGuard(null).refusal(URI.create("http://127.0.0.1/hook"))).get().asString()
                .contains("private, loopback or link-local");
        assertThat(guard.refusal(URI.create("https://93.184.215.14/hook"))).isEmpty();
        assertThatThrownBy(() -> new WebhookTargetGuard(List.of("localhost"))).hasMessageContaining("IP addresses");
    }
}
