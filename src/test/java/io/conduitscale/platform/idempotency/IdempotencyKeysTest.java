package io.conduitscale.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Writes retried with the same Idempotency-Key take effect once and get the first response back. */
@IntegrationTest
class IdempotencyKeysTest {

    @LocalServerPort
    int port;

    private ApiClient.Response send(ApiClient api, String method, String path, String body, String token, String key) {
        var request = api.request(path, token).header("Idempotency-Key", key).header("Content-Type", "application/json");
        request.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return api.send(request);
    }

    private static String article(String title) {
        return "{\"article\":{\"title\":\"" + title + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"idem\"]}}";
    }

    private static long articlesBy(ApiClient api, String author) {
        return api.get("/api/articles?author=" + author).json().get("articlesCount").asLong();
    }

    @Test
    void aRetriedCreateIsAppliedOnceAndGetsTheFirstResponse() {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("idem");
        String token = api.register(author);
        String key = UUID.randomUUID().toString();

        ApiClient.Response first = send(api, "POST", "/api/articles", article("Once " + author), token, key);
        ApiClient.Response retry = send(api, "POST", "/api/articles", article("Once " + author), token, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.text()).isEqualTo(first.text());
        assertThat(articlesBy(api, author)).isEqualTo(1);

        // without the key, the same request is a second article (duplicate titles are legal)
        assertThat(api.post("/api/articles", article("Once " + author), token).status()).isEqualTo(201);
        assertThat(articlesBy(api, author)).isEqualTo(2);
    }

    @Test
    void theSameKeyForADifferentRequestIsRefused() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("idem"));
        String key = UUID.randomUUID().toString();
        assertThat(send(api, "POST", "/api/articles", article("First " + key), token, key).status()).isEqualTo(201);

        ApiClient.Response other = send(api, "POST", "/api/articles", article("Second " + key), token, key);

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("errors").get("body").get(0).asString()).contains("Idempotency-Key");
    }

    @Test
    void concurrentRetriesWaitForTheFirstAndAllGetItsResponse() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("idem");
        String token = api.register(author);
        String key = UUID.randomUUID().toString();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ApiClient.Response>> results = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                results.add(clients.submit(() -> {
                    start.await();
                    return send(api, "POST", "/api/articles", article("Race " + author), token, key);
                }));
            }
            start.countDown();
        }
        List<String> slugs = new ArrayList<>();
        for (Future<ApiClient.Response> result : results) {
            assertThat(result.get().status()).isEqualTo(201);
            slugs.add(result.get().json().get("article").get("slug").asString());
        }
        assertThat(slugs).containsOnly(slugs.getFirst());
        assertThat(articlesBy(api, author)).isEqualTo(1);
    }

    @Test
    void aFailedAttemptIsNotStoredAndLeavesTheKeyFree() {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("idem");
        String token = api.register(author);
        String key = UUID.randomUUID().toString();

        ApiClient.Response invalid = send(api, "POST", "/api/articles", "{\"article\":{\"title\":\"\"}}", token, key);
        ApiClient.Response fixed = send(api, "POST", "/api/articles", article("Fixed " + author), token, key);

        assertThat(invalid.status()).isEqualTo(422);
        assertThat(fixed.status()).isEqualTo(201);
        assertThat(fixed.header("Idempotent-Replayed")).isNull();
        assertThat(articlesBy(api, author)).isEqualTo(1);
    }

    @Test
    void keysAreScopedToTheUserAndWorkForDeletesAndRegistration() {
        ApiClient api = ApiClient.forPort(port);
        String a = api.register(ApiClient.unique("idem"));
        String b = api.register(ApiClient.unique("idem"));
        String key = UUID.randomUUID().toString();
        String slugA = send(api, "POST", "/api/articles", article("Scoped " + key), a, key).json().get("article").get("slug").asString();
        String slugB = send(api, "POST", "/api/articles", article("Scoped " + key), b, key).json().get("article").get("slug").asString();
        assertThat(slugB).isNotEqualTo(slugA);

        String deleteKey = UUID.randomUUID().toString();
        assertThat(send(api, "DELETE", "/api/articles/" + slugA, null, a, deleteKey).status()).isEqualTo(204);
        ApiClient.Response again = send(api, "DELETE", "/api/articles/" + slugA, null, a, deleteKey);
        assertThat(again.status()).isEqualTo(204);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");

        String username = ApiClient.unique("newbie");
        String registration = "{\"user\":{\"username\":\"" + username + "\",\"email\":\"" + username
                + "@example.com\",\"password\":\"password123\"}}";
        String registrationKey = UUID.randomUUID().toString();
        ApiClient.Response registered = send(api, "POST", "/api/users", registration, null, registrationKey);
        ApiClient.Response replayed = send(api, "POST", "/api/users", registration, null, registrationKey);
        assertThat(registered.status()).isEqualTo(201);
        assertThat(replayed.status()).as("a replay, not a 409 for a taken username").isEqualTo(201);
        assertThat(replayed.text()).isEqualTo(registered.text());
    }

    @Test
    void aMalformedKeyIsRefused() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("idem"));
        ApiClient.Response tooLong = send(api, "POST", "/api/articles", article("Long"), token, "k".repeat(256));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.json().get("errors").get("body")).isNotNull();
    }
}
