package io.conduitscale.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import io.conduitscale.support.TrustedTestIssuers;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;

/** Safe defaults on every response, and CORS only for configured origins. */
@IntegrationTest
class SecurityHeadersTest {

    @LocalServerPort
    int port;

    @Test
    void authResponsesAndErrorsCarryTheSecurityHeaders() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("headers"));
        for (ApiClient.Response response : List.of(api.get("/api/user", token), api.get("/api/user", "bad.token"),
                api.post("/api/users/login", "{\"user\":{\"email\":\"x@y.z\",\"password\":\"password123\"}}", null),
                api.get("/api/nothing-here"))) {
            assertThat(response.header("Cache-Control")).contains("no-store");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(response.header("Content-Security-Policy")).isEqualTo(SecurityConfig.CONTENT_SECURITY_POLICY);
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
        // a response that chose its own caching keeps it
        assertThat(api.get("/.well-known/jwks.json").header("Cache-Control")).isEqualTo("max-age=300, public");
    }

    @Test
    void corsAnswersOnlyTheConfiguredOrigin() {
        ApiClient api = ApiClient.forPort(port);
        ApiClient.Response allowed = preflight(api, TrustedTestIssuers.ALLOWED_ORIGIN);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(TrustedTestIssuers.ALLOWED_ORIGIN);
        assertThat(allowed.header("Access-Control-Allow-Credentials")).isNull();

        ApiClient.Response refused = preflight(api, "https://evil.example");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
        ApiClient.Response simple = api.send(api.request("/api/tags", null).header("Origin", "https://evil.example").GET());
        assertThat(simple.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void withoutConfiguredOriginsNoRequestGetsACorsConfiguration() {
        MockHttpServletRequest request = new MockHttpServletRequest("OPTIONS", "/api/articles");
        request.addHeader("Origin", "https://app.example");
        assertThat(SecurityConfig.corsSource(List.of()).getCorsConfiguration(request)).isNull();
        assertThat(SecurityConfig.corsSource(List.of(" ")).getCorsConfiguration(request)).isNull();
        assertThat(SecurityConfig.corsSource(List.of("https://app.example")).getCorsConfiguration(request)).isNotNull();
    }

    private static ApiClient.Response preflight(ApiClient api, String origin) {
        return api.send(api.request("/api/articles", null).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }
}
