package io.conduitscale.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** X-Forwarded-For counts only from trusted proxies, and only up to the first untrusted hop. */
class ClientAddressTest {

    private final ClientAddress clients = new ClientAddress(List.of("10.0.0.0/8", "::1/128"));

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        assertThat(clients.of(request("203.0.113.7", "198.51.100.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void behindATrustedProxyTheLastUntrustedHopIsTheClient() {
        // the client wrote a fake first hop; the proxy appended the real address it saw
        assertThat(clients.of(request("10.1.2.3", "1.2.3.4, 198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(clients.of(request("10.1.2.3", "198.51.100.9, 10.9.9.9"))).isEqualTo("198.51.100.9");
    }

    @Test
    void aTrustedProxyWithoutTheHeaderOrWithGarbageIsHandled() {
        assertThat(clients.of(request("10.1.2.3", null))).isEqualTo("10.1.2.3");
        assertThat(clients.of(request("10.1.2.3", "not-an-address"))).isEqualTo("not-an-address");
        assertThat(clients.of(request("10.1.2.3", " , "))).isEqualTo("10.1.2.3");
    }

    @Test
    void withNoTrustedProxiesTheHeaderIsIgnored() {
        assertThat(new ClientAddress(List.of()).of(request("10.1.2.3", "198.51.100.9"))).isEqualTo("10.1.2.3");
    }

    private static MockHttpServletRequest request(String peer, String forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        if (forwardedFor != null) {
            request.addHeader("X-Forwarded-For", forwardedFor);
        }
        return request;
    }
}
