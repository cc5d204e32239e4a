package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A battery of malformed, mistyped, oversized and absurd requests. Every one must get a 4xx in the
 * RealWorld error shape (never a 500, never a stack trace), and none may change data.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    @LocalServerPort
    int port;

    ApiClient api;
    String token;
    String username;
    String slug;

    record Case(String name, int expectedStatus, Function<BadInputTest, ApiClient.Response> request) {}

    @BeforeAll
    void setUp() {
        api = ApiClient.forPort(port);
        username = ApiClient.unique("target");
        token = api.register(username);
        slug = api.createArticle(token, "Target article", "kept");
    }

    List<Case> cases() {
        String huge = "x".repeat(2 * 1024 * 1024);
        List<Case> cases = new ArrayList<>();
        // malformed bodies
        cases.add(new Case("not JSON", 400, t -> t.api.post("/api/users", "{not json", null)));
        cases.add(new Case("truncated JSON", 400, t -> t.api.post("/api/articles", "{\"article\":{\"title\":", t.token)));
        cases.add(new Case("empty body", 400, t -> t.api.post("/api/users/login", "", null)));
        cases.add(new Case("JSON array instead of object", 422, t -> t.api.post("/api/users", "[1,2]", null)));
        cases.add(new Case("JSON string instead of object", 422, t -> t.api.post("/api/users", "\"user\"", null)));
        cases.add(new Case("missing wrapper", 422, t -> t.api.post("/api/users",
                "{\"username\":\"a\",\"email\":\"a@b.c\",\"password\":\"password123\"}", null)));
        cases.add(new Case("wrapper is not an object", 422, t -> t.api.post("/api/users", "{\"user\":\"x\"}", null)));
        cases.add(new Case("wrong type: number username", 422, t -> t.api.post("/api/users",
                "{\"user\":{\"username\":12,\"email\":\"n@b.c\",\"password\":\"password123\"}}", null)));
        cases.add(new Case("wrong type: object title", 422, t -> t.api.post("/api/articles",
                "{\"article\":{\"title\":{},\"description\":\"d\",\"body\":\"b\"}}", t.token)));
        cases.add(new Case("wrong type: tagList string", 422, t -> t.api.post("/api/articles",
                "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":\"a,b\"}}", t.token)));
        cases.add(new Case("wrong type: tagList of numbers", 422, t -> t.api.post("/api/articles",
                "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[1,2]}}", t.token)));
        cases.add(new Case("tagList null on update", 422, t -> t.api.put("/api/articles/" + t.slug,
                "{\"article\":{\"tagList\":null}}", t.token)));
        cases.add(new Case("blank tag", 422, t -> t.api.put("/api/articles/" + t.slug,
                "{\"article\":{\"tagList\":[\"  \"]}}", t.token)));
        cases.add(new Case("NUL character in a body", 422, t -> t.api.put("/api/articles/" + t.slug,
                "{\"article\":{\"body\":\"a\\u0000b\"}}", t.token)));
        cases.add(new Case("too short password", 422, t -> t.api.post("/api/users",
                "{\"user\":{\"username\":\"shorty\",\"email\":\"s@b.c\",\"password\":\"1234567\"}}", null)));
        cases.add(new Case("too long password", 422, t -> t.api.post("/api/users",
                "{\"user\":{\"username\":\"longy\",\"email\":\"l@b.c\",\"password\":\"" + "p".repeat(65) + "\"}}", null)));
        cases.add(new Case("invalid email", 422, t -> t.api.post("/api/users",
                "{\"user\":{\"username\":\"mailless\",\"email\":\"not-an-email\",\"password\":\"password123\"}}", null)));
        cases.add(new Case("username with a slash", 422, t -> t.api.post("/api/users",
                "{\"user\":{\"username\":\"a/b\",\"email\":\"slash@b.c\",\"password\":\"password123\"}}", null)));
        cases.add(new Case("title too long", 422, t -> t.api.put("/api/articles/" + t.slug,
                "{\"article\":{\"title\":\"" + "t".repeat(300) + "\"}}", t.token)));
        // oversized
        cases.add(new Case("body over the limit", 413, t -> t.api.post("/api/articles",
                "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"" + huge + "\"}}", t.token)));
        cases.add(new Case("chunked body over the limit", 413, t -> t.api.send(t.api.request("/api/articles", t.token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        ("{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"" + huge + "\"}}").getBytes()))))));
        // routes and methods
        cases.add(new Case("unknown route", 404, t -> t.api.get("/api/nothing-here")));
        cases.add(new Case("unknown route outside /api", 404, t -> t.api.get("/wp-admin.php")));
        cases.add(new Case("wrong method", 405, t -> t.api.send(t.api.request("/api/tags", null)
                .method("PATCH", HttpRequest.BodyPublishers.noBody()))));
        cases.add(new Case("wrong content type", 415, t -> t.api.send(t.api.request("/api/users", null)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")))));
        // absurd paging
        cases.add(new Case("limit not a number", 422, t -> t.api.get("/api/articles?limit=abc")));
        cases.add(new Case("negative offset", 422, t -> t.api.get("/api/articles?offset=-1")));
        cases.add(new Case("zero limit", 422, t -> t.api.get("/api/articles?limit=0")));
        cases.add(new Case("limit past a long", 422, t -> t.api.get("/api/articles?limit=99999999999999999999999")));
        cases.add(new Case("offset far too deep", 422, t -> t.api.get("/api/articles?offset=2147483647")));
        cases.add(new Case("feed limit not a number", 422, t -> t.api.get("/api/articles/feed?limit=1e3", t.token)));
        // identifiers
        cases.add(new Case("comment id not a number", 404, t -> t.api.delete("/api/articles/" + t.slug + "/comments/abc", t.token)));
        cases.add(new Case("comment id overflows", 404, t -> t.api.delete("/api/articles/" + t.slug + "/comments/99999999999999999999", t.token)));
        cases.add(new Case("slug with SQL", 404, t -> t.api.get("/api/articles/x'%20OR%20'1'='1")));
        cases.add(new Case("tag with NUL", 422, t -> t.api.get("/api/articles?tag=a%00b")));
        // tokens
        cases.add(new Case("garbage token", 401, t -> t.api.get("/api/user", "not.a.jwt")));
        cases.add(new Case("unknown scheme", 401, t -> t.api.send(t.api.request("/api/user", null)
                .header("Authorization", "Basic dXNlcjpwYXNz").GET())));
        // ownership
        cases.add(new Case("updating someone else's article", 403, t -> t.api.put("/api/articles/" + t.slug,
                "{\"article\":{\"body\":\"mine now\"}}", t.api.register(ApiClient.unique("intruder")))));
        return cases;
    }

    @Test
    void everyBadRequestGetsAClientErrorInTheRealWorldShape() {
        List<Case> cases = cases();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            ApiClient.Response response = c.request().apply(this);
            JsonNode errors = response.json().path("errors");
            boolean shaped = errors.isObject() && errors.properties().iterator().hasNext()
                    && errors.properties().iterator().next().getValue().isArray();
            if (response.status() != c.expectedStatus() || !shaped || response.text().contains("Exception")
                    || response.text().contains("\tat ")) {
                failures.add(c.name() + ": " + response.status() + " " + abbreviate(response.text()));
            }
        }
        System.out.println("bad-input battery: " + cases.size() + " cases, " + failures.size() + " failed");
        assertThat(failures).isEmpty();

        // and nothing changed
        JsonNode article = api.get("/api/articles/" + slug).json().get("article");
        assertThat(article.get("body").asString()).isEqualTo("b");
        assertThat(article.get("title").asString()).isEqualTo("Target article");
        assertThat(article.get("tagList").get(0).asString()).isEqualTo("kept");
        assertThat(api.get("/api/articles?author=" + username).json().get("articlesCount").asInt()).isEqualTo(1);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
