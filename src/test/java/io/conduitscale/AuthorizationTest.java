package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Owner-scoped operations by anyone else get 403 and change nothing; the operations meant for everyone
 * succeed on others' content. There is no endpoint that names another user to update: PUT /api/user
 * always acts on the token's own user, and a body naming the owner cannot redirect it.
 */
@IntegrationTest
class AuthorizationTest {

    @LocalServerPort
    int port;

    @Test
    void ownerScopedOperationsByOthersAreForbiddenAndChangeNothing() {
        ApiClient api = ApiClient.forPort(port);
        String owner = ApiClient.unique("owner");
        String ownerToken = api.register(owner);
        String intruder = ApiClient.unique("intruder");
        String intruderToken = api.register(intruder);
        String slug = api.createArticle(ownerToken, "Owned " + owner, "owned");
        long commentId = api.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"mine\"}}", ownerToken)
                .json().get("comment").get("id").asLong();
        JsonNode articleBefore = withoutViews(api.get("/api/articles/" + slug).json());
        JsonNode commentsBefore = api.get("/api/articles/" + slug + "/comments").json();
        JsonNode ownerBefore = api.get("/api/user", ownerToken).json();

        int cases = 0;
        for (ApiClient.Response response : new ApiClient.Response[] {
                api.put("/api/articles/" + slug, "{\"article\":{\"title\":\"hijacked\",\"body\":\"x\"}}", intruderToken),
                api.put("/api/articles/" + slug, "{\"article\":{\"tagList\":[]}}", intruderToken),
                api.delete("/api/articles/" + slug, intruderToken),
                api.delete("/api/articles/" + slug + "/comments/" + commentId, intruderToken)}) {
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.json().get("errors").isObject()).isTrue();
            cases++;
        }
        // a comment id of the owner's article addressed through another article: not found, not deleted
        String intruderSlug = api.createArticle(intruderToken, "Intruder's " + intruder);
        assertThat(api.delete("/api/articles/" + intruderSlug + "/comments/" + commentId, intruderToken).status())
                .isIn(403, 404);
        cases++;
        // updating "the owner" through PUT /api/user: only the intruder's own account is addressed, and the
        // owner's username and email are taken
        ApiClient.Response takeover = api.put("/api/user", """
                {"user":{"username":"%s","email":"%s@example.com","id":%s}}"""
                .formatted(owner, owner, "1"), intruderToken);
        assertThat(takeover.status()).isEqualTo(409);
        cases++;
        System.out.println("authorization matrix: " + cases + " forbidden cases");

        assertThat(withoutViews(api.get("/api/articles/" + slug).json())).isEqualTo(articleBefore);
        assertThat(api.get("/api/articles/" + slug + "/comments").json()).isEqualTo(commentsBefore);
        assertThat(api.get("/api/user", ownerToken).json()).isEqualTo(ownerBefore);
        assertThat(api.get("/api/user", intruderToken).json().get("user").get("username").asString()).isEqualTo(intruder);
    }

    /** Reading an article counts a view (asynchronously): the one field that may change by reading. */
    private static JsonNode withoutViews(JsonNode article) {
        ((tools.jackson.databind.node.ObjectNode) article.get("article")).remove("viewsCount");
        return article;
    }

    @Test
    void operationsMeantForEveryoneSucceedOnOthersContent() {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("author");
        String authorToken = api.register(author);
        String reader = ApiClient.unique("reader");
        String readerToken = api.register(reader);
        String slug = api.createArticle(authorToken, "Public " + author);

        ApiClient.Response favorite = api.post("/api/articles/" + slug + "/favorite", null, readerToken);
        assertThat(favorite.status()).isEqualTo(200);
        assertThat(favorite.json().get("article").get("favoritesCount").asInt()).isEqualTo(1);
        ApiClient.Response comment = api.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"nice\"}}", readerToken);
        assertThat(comment.status()).isBetween(200, 201);
        ApiClient.Response follow = api.post("/api/profiles/" + author + "/follow", null, readerToken);
        assertThat(follow.status()).isEqualTo(200);
        assertThat(follow.json().get("profile").get("following").asBoolean()).isTrue();
        // and the reader may delete their own comment on the author's article
        long id = comment.json().get("comment").get("id").asLong();
        assertThat(api.delete("/api/articles/" + slug + "/comments/" + id, readerToken).status()).isBetween(200, 204);
        // the author's article itself is unchanged
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("title").asString()).isEqualTo("Public " + author);
    }
}
