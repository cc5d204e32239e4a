package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Details of the API contract that the official suite checks only loosely or not at all. */
@IntegrationTest
class ApiBehaviourTest {

    @LocalServerPort
    int port;

    @Test
    void createdAtIsIdenticalInEveryResponseAndUpdatedAtMovesOnUpdate() {
        ApiClient api = ApiClient.forPort(port);
        String user = ApiClient.unique("clock");
        String token = api.register(user);
        JsonNode created = api.post("/api/articles", """
                {"article":{"title":"Clock","description":"d","body":"b"}}""", token).json().get("article");
        String slug = created.get("slug").asString();
        String createdAt = created.get("createdAt").asString();

        assertThat(createdAt).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("createdAt").asString()).isEqualTo(createdAt);
        assertThat(api.get("/api/articles?author=" + user).json().get("articles").get(0).get("createdAt").asString())
                .isEqualTo(createdAt);
        JsonNode updated = api.put("/api/articles/" + slug, """
                {"article":{"body":"new"}}""", token).json().get("article");
        assertThat(updated.get("createdAt").asString()).isEqualTo(createdAt);
        assertThat(updated.get("updatedAt").asString()).isGreaterThan(created.get("updatedAt").asString());
    }

    @Test
    void tagsKeepTheirOrderAndTheTagListIsOrderedByUse() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("tagger"));
        String rare = ApiClient.unique("zz-rare");
        String common = ApiClient.unique("zz-common");
        String slug = api.createArticle(token, "Ordered tags", rare, common, "  " + common + "  ");
        api.createArticle(token, "More", common);
        api.createArticle(token, "Even more", common);

        JsonNode article = api.get("/api/articles/" + slug).json().get("article");
        assertThat(article.get("tagList").valueStream().map(JsonNode::asString).toList()).containsExactly(rare, common);
        List<String> tags = api.get("/api/tags").json().get("tags").valueStream().map(JsonNode::asString).toList();
        assertThat(tags.indexOf(common)).isLessThan(tags.indexOf(rare)).isNotNegative();

        // removing the only use of a tag removes it from the list; counts follow every change
        api.put("/api/articles/" + slug, """
                {"article":{"tagList":["%s"]}}""".formatted(common), token);
        assertThat(api.get("/api/tags").json().get("tags").valueStream().map(JsonNode::asString)).doesNotContain(rare);
        api.delete("/api/articles/" + slug, token);
        assertThat(api.get("/api/articles?tag=" + common).json().get("articlesCount").asInt()).isEqualTo(2);
    }

    @Test
    void changingTheTitleChangesTheSlugAndKeepsItUnique() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("renamer"));
        String title = ApiClient.unique("Renamed Title");
        api.createArticle(token, title);
        String slug = api.createArticle(token, "Before rename");

        JsonNode renamed = api.put("/api/articles/" + slug, """
                {"article":{"title":"%s"}}""".formatted(title), token).json().get("article");
        assertThat(renamed.get("slug").asString()).startsWith(title.toLowerCase().replace(' ', '-').replace('_', '-'))
                .isNotEqualTo(slug);
        assertThat(api.get("/api/articles/" + slug).status()).isEqualTo(404);
    }

    @Test
    void bearerWorksLikeTokenAndEveryResponseCarriesARequestId() {
        ApiClient api = ApiClient.forPort(port);
        String user = ApiClient.unique("bearer");
        String token = api.register(user);
        ApiClient.Response response = api.send(api.request("/api/user", null)
                .header("Authorization", "Bearer " + token).header("X-Request-Id", "trace-123").GET());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("user").get("username").asString()).isEqualTo(user);
        assertThat(response.header("X-Request-Id")).isEqualTo("trace-123");
        assertThat(api.get("/api/tags").header("X-Request-Id")).isNotBlank();
    }

    @Test
    void healthProbesAndMetricsAreExposed() {
        ApiClient api = ApiClient.forPort(port);
        api.get("/api/tags");

        assertThat(api.get("/actuator/health/liveness").json().get("status").asString()).isEqualTo("UP");
        assertThat(api.get("/actuator/health/readiness").json().get("status").asString()).isEqualTo("UP");
        String metrics = api.get("/actuator/prometheus").text();
        assertThat(metrics)
                .contains("http_server_requests_seconds_bucket")
                .containsPattern("hikaricp_connections_max\\{[^}]*pool=\"primary\"")
                .contains("conduit_db_statements_total{")
                .contains("conduit_password_hash_active");
    }

    @Test
    void deletedArticlesTakeTheirCommentsAndFavoritesWithThem() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("cascade"));
        String slug = api.createArticle(token, "Cascade");
        api.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"hi\"}}", token);
        api.post("/api/articles/" + slug + "/favorite", null, token);

        assertThat(api.delete("/api/articles/" + slug, token).status()).isEqualTo(204);
        assertThat(api.get("/api/articles/" + slug + "/comments").status()).isEqualTo(404);
        assertThat(api.send(api.request("/api/articles/" + slug, token).method("GET", HttpRequest.BodyPublishers.noBody()))
                .status()).isEqualTo(404);
    }
}
