package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import io.conduitscale.support.Race;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Races that real traffic produces, released together by a latch, must end consistently and never in a 500. */
@IntegrationTest
class ConcurrencyTest {

    static final int RACERS = 16;

    @LocalServerPort
    int port;

    @Test
    void concurrentDuplicateRegistrationsGiveOneCreatedAndConflicts() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String username = ApiClient.unique("racer");
        List<Integer> statuses = Race.of(RACERS, i -> api.post("/api/users", """
                {"user":{"username":"%s","email":"%s_%d@example.com","password":"password123"}}"""
                .formatted(username, username, i), null).status());

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    }

    @Test
    void concurrentCreatesOfOneTitleGetDistinctSlugs() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("writer"));
        String title = "Same title " + ApiClient.unique("t");
        List<String> slugs = Race.of(RACERS, i -> {
            ApiClient.Response response = api.post("/api/articles", """
                    {"article":{"title":"%s","description":"d","body":"b","tagList":["race"]}}""".formatted(title), token);
            assertThat(response.status()).isEqualTo(201);
            return response.json().get("article").get("slug").asString();
        });

        assertThat(slugs).doesNotHaveDuplicates().hasSize(RACERS);
    }

    @Test
    void concurrentFavoritesAndFollowsKeepExactCounts() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("popular");
        String authorToken = api.register(author);
        String slug = api.createArticle(authorToken, "Popular " + author);
        List<String> fans = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            fans.add(api.register(ApiClient.unique("fan")));
        }
        // every fan favorites twice and follows twice, all at once: idempotent, counted once
        List<Integer> statuses = Race.of(RACERS, i -> {
            String fan = fans.get(i % RACERS);
            int a = api.post("/api/articles/" + slug + "/favorite", null, fan).status();
            int b = api.post("/api/articles/" + slug + "/favorite", null, fan).status();
            int c = api.post("/api/profiles/" + author + "/follow", null, fan).status();
            return a == 200 && b == 200 && c == 200 ? 200 : 500;
        });
        assertThat(statuses).containsOnly(200);
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("favoritesCount").asInt()).isEqualTo(RACERS);

        // half of them unfavorite concurrently, twice each
        Race.of(RACERS, i -> api.delete("/api/articles/" + slug + "/favorite", fans.get(i % (RACERS / 2))).status());
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("favoritesCount").asInt()).isEqualTo(RACERS / 2);
    }

    @Test
    void interleavedFollowUnfollowAndFavoriteUnfavoriteOfOnePairEndConsistent() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("flip");
        String authorToken = api.register(author);
        String slug = api.createArticle(authorToken, "Flip " + author);
        String fan = api.register(ApiClient.unique("flipper"));
        // the same pair, toggled both ways by 16 concurrent requests each
        List<Integer> statuses = Race.of(RACERS, i -> {
            boolean on = i % 2 == 0;
            int a = on ? api.post("/api/profiles/" + author + "/follow", null, fan).status()
                    : api.delete("/api/profiles/" + author + "/follow", fan).status();
            int b = on ? api.post("/api/articles/" + slug + "/favorite", null, fan).status()
                    : api.delete("/api/articles/" + slug + "/favorite", fan).status();
            return Math.max(a, b);
        });
        assertThat(statuses).containsOnly(200);

        // whatever won, the count agrees with the flag, and a final toggle is exact
        JsonNode article = api.get("/api/articles/" + slug, fan).json().get("article");
        assertThat(article.get("favoritesCount").asInt()).isEqualTo(article.get("favorited").asBoolean() ? 1 : 0);
        api.post("/api/articles/" + slug + "/favorite", null, fan);
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("favoritesCount").asInt()).isEqualTo(1);
        api.delete("/api/articles/" + slug + "/favorite", fan);
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("favoritesCount").asInt()).isZero();
        boolean following = api.get("/api/profiles/" + author, fan).json().get("profile").get("following").asBoolean();
        assertThat(api.get("/api/articles/feed", fan).json().get("articlesCount").asInt()).isEqualTo(following ? 1 : 0);
    }
}
