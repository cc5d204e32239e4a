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

    /**
     * Hostile values: SQL and LIKE metacharacters, very long strings, Unicode edge cases (RTL overrides,
     * emoji, NUL, unpaired surrogates, combining marks, BOM), path tricks and header injection, each put in
     * every path, query and body field by a separate user, "mallory". None may produce a 5xx, and the
     * target user's account and article must be untouched afterwards. Values stored verbatim must read back
     * verbatim: proof that they were parameters, not SQL.
     */
    static final List<String> HOSTILE = List.of(
            "' OR '1'='1", "'; DROP TABLE users; --", "\" OR \"\"=\"", "%", "_", "\\", "$$; SELECT pg_sleep(10); $$",
            "1; DELETE FROM articles", "a".repeat(10_000), "\u00e9".repeat(3_000),
            "\u202Eevil\u202C", "abc\u200F", "\uD83D\uDE00\uD83D\uDE80", "\uD83D\uDC69\u200D\uD83D\uDCBB",
            "a\u0000b", "\uD800", "x\uDFFFy", "e\u0301\u0301\u0301", "\uFEFFbom",
            "../../etc/passwd", "..%2F..%2Fuser", "a/b", "a\r\nX-Injected: 1", "", "   ", "null", "0", "-1");

    List<Case> hostileCases() {
        List<Case> cases = new ArrayList<>();
        int n = 0;
        for (String v : HOSTILE) {
            String label = "[" + (n++) + "] ";
            String j = jsonString(v);
            String p = pathSegment(v);
            String q = pathSegment(v); // same encoding is valid in a query value
            // bodies
            cases.add(hostile(label + "register username", t -> t.api.post("/api/users",
                    "{\"user\":{\"username\":" + j + ",\"email\":\"" + ApiClient.unique("h") + "@example.com\",\"password\":\"password123\"}}", null)));
            cases.add(hostile(label + "register email", t -> t.api.post("/api/users",
                    "{\"user\":{\"username\":\"" + ApiClient.unique("h") + "\",\"email\":" + j + ",\"password\":\"password123\"}}", null)));
            cases.add(hostile(label + "register password", t -> t.api.post("/api/users",
                    "{\"user\":{\"username\":\"" + ApiClient.unique("h") + "\",\"email\":\"" + ApiClient.unique("h") + "@example.com\",\"password\":" + j + "}}", null)));
            cases.add(hostile(label + "login email", t -> t.api.post("/api/users/login",
                    "{\"user\":{\"email\":" + j + ",\"password\":\"password123\"}}", null)));
            cases.add(hostile(label + "login password", t -> t.api.post("/api/users/login",
                    "{\"user\":{\"email\":\"" + t.username + "@example.com\",\"password\":" + j + "}}", null)));
            for (String field : List.of("title", "description", "body")) {
                cases.add(hostile(label + "create article " + field, t -> t.roundTrip(t.api.post("/api/articles",
                        articleJson(field, j), t.mallory), field, v)));
                cases.add(hostile(label + "update article " + field, t -> t.followSlug(t.api.put("/api/articles/" + t.mallorySlug,
                        "{\"article\":{\"" + field + "\":" + j + "}}", t.mallory))));
            }
            cases.add(hostile(label + "create article tag", t -> t.api.post("/api/articles",
                    "{\"article\":{\"title\":\"tagged\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[" + j + "]}}", t.mallory)));
            for (String field : List.of("username", "email", "bio", "image")) {
                cases.add(hostile(label + "update user " + field, t -> t.api.put("/api/user",
                        "{\"user\":{\"" + field + "\":" + j + "}}", t.mallory)));
            }
            cases.add(hostile(label + "comment body", t -> t.api.post("/api/articles/" + t.mallorySlug + "/comments",
                    "{\"comment\":{\"body\":" + j + "}}", t.mallory)));
            // query parameters
            for (String parameter : List.of("tag", "author", "favorited", "limit", "offset", "cursor")) {
                cases.add(hostile(label + "query " + parameter, t -> t.api.get("/api/articles?" + parameter + "=" + q)));
            }
            cases.add(hostile(label + "feed limit", t -> t.api.get("/api/articles/feed?limit=" + q, t.mallory)));
            cases.add(hostile(label + "feed cursor", t -> t.api.get("/api/articles/feed?cursor=" + q, t.mallory)));
            cases.add(hostile(label + "comments limit", t -> t.api.get("/api/articles/" + t.slug + "/comments?limit=" + q)));
            cases.add(hostile(label + "comments cursor", t -> t.api.get("/api/articles/" + t.slug + "/comments?cursor=" + q)));
            // path segments
            cases.add(hostile(label + "get profile", t -> t.api.get("/api/profiles/" + p, t.mallory)));
            cases.add(hostile(label + "follow", t -> t.api.post("/api/profiles/" + p + "/follow", null, t.mallory)));
            cases.add(hostile(label + "unfollow", t -> t.api.delete("/api/profiles/" + p + "/follow", t.mallory)));
            cases.add(hostile(label + "get article", t -> t.api.get("/api/articles/" + p)));
            cases.add(hostile(label + "update article by slug", t -> t.api.put("/api/articles/" + p,
                    "{\"article\":{\"body\":\"x\"}}", t.mallory)));
            cases.add(hostile(label + "delete article by slug", t -> t.api.delete("/api/articles/" + p, t.mallory)));
            cases.add(hostile(label + "favorite", t -> t.api.post("/api/articles/" + p + "/favorite", null, t.mallory)));
            cases.add(hostile(label + "unfavorite", t -> t.api.delete("/api/articles/" + p + "/favorite", t.mallory)));
            cases.add(hostile(label + "list comments", t -> t.api.get("/api/articles/" + p + "/comments")));
            cases.add(hostile(label + "comment on slug", t -> t.api.post("/api/articles/" + p + "/comments",
                    "{\"comment\":{\"body\":\"x\"}}", t.mallory)));
            cases.add(hostile(label + "delete comment id", t -> t.api.delete("/api/articles/" + t.slug + "/comments/" + p, t.mallory)));
            // the Authorization header (only values a header can carry)
            if (!v.isBlank() && v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                cases.add(hostile(label + "token", t -> t.api.get("/api/user", v)));
            }
        }
        // raw paths: traversal, encoded slashes and dots, invalid UTF-8, NUL, path parameters
        for (String raw : List.of("/api/articles/../user", "/api/articles/..%2F..%2Fuser", "/api/articles/%2e%2e%2fuser",
                "/api/articles/%2E%2E/user", "/api/articles/a%2Fb", "/api/articles/a%252Fb", "/api/articles/%00",
                "/api/articles/a;jsessionid=x", "/api/profiles/%2e%2e", "/api/articles/%ED%A0%80", "/api/articles/%C0%AF",
                "/api/articles/%FF%FE", "/api/articles/a%0d%0aX-Injected:%201", "/api/articles/%5C..%5Cuser",
                "/api/articles//feed", "/api//user", "/api/articles/x/comments/1%2F..%2F2")) {
            cases.add(hostile("raw path " + raw, t -> t.api.send(t.api.request(raw, t.mallory).GET())));
            cases.add(hostile("raw path DELETE " + raw, t -> t.api.send(t.api.request(raw, t.mallory).DELETE())));
        }
        return cases;
    }

    private static Case hostile(String name, Function<BadInputTest, ApiClient.Response> request) {
        return new Case(name, ANY_CLIENT_OR_SUCCESS, request);
    }

    static final int ANY_CLIENT_OR_SUCCESS = -1;

    String mallory;
    String mallorySlug;

    @Test
    void hostileValuesInEveryFieldNeverCauseA5xxNorTouchOthersData() {
        mallory = api.register(ApiClient.unique("mallory"));
        mallorySlug = api.createArticle(mallory, "Mallory's article");
        JsonNode targetBefore = api.get("/api/profiles/" + username).json();
        JsonNode articleBefore = api.get("/api/articles/" + slug).json().get("article");

        List<Case> cases = hostileCases();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            ApiClient.Response response;
            try {
                response = c.request().apply(this);
            } catch (AssertionError e) {
                failures.add(c.name() + ": " + e.getMessage());
                continue;
            }
            boolean shaped = response.status() < 400 || isRealWorldError(response);
            if (response.status() >= 500 || !shaped || response.text().contains("Exception") || response.text().contains("\tat ")) {
                failures.add(c.name() + ": " + response.status() + " " + abbreviate(response.text()));
            }
        }
        System.out.println("hostile-input battery: " + cases.size() + " cases (" + HOSTILE.size()
                + " hostile values in every field, plus raw paths), " + failures.size() + " failed");
        assertThat(failures).isEmpty();

        // the target's account and article are exactly as before, and mallory's article still exists
        assertThat(api.get("/api/profiles/" + username).json()).isEqualTo(targetBefore);
        JsonNode articleAfter = api.get("/api/articles/" + slug).json().get("article");
        assertThat(articleAfter.get("title")).isEqualTo(articleBefore.get("title"));
        assertThat(articleAfter.get("body")).isEqualTo(articleBefore.get("body"));
        assertThat(articleAfter.get("updatedAt")).isEqualTo(articleBefore.get("updatedAt"));
        assertThat(articleAfter.get("favoritesCount").asInt()).isZero();
        assertThat(api.get("/api/articles/" + slug + "/comments").json().get("comments").size()).isZero();
        assertThat(api.get("/api/user", token).json().get("user").get("email").asString()).isEqualTo(username + "@example.com");
        assertThat(api.get("/api/articles/" + mallorySlug).status()).isEqualTo(200);
    }

    /** A new title gives mallory's article a new slug: keep aiming at it. */
    private ApiClient.Response followSlug(ApiClient.Response updated) {
        if (updated.status() == 200) {
            mallorySlug = updated.json().get("article").get("slug").asString();
        }
        return updated;
    }

    /** A created article must read back exactly as the create answered; well-formed text exactly as sent. */
    private ApiClient.Response roundTrip(ApiClient.Response created, String field, String value) {
        if (created.status() != 201) {
            return created;
        }
        JsonNode answered = created.json().get("article");
        JsonNode read = api.get("/api/articles/" + pathSegment(answered.get("slug").asString())).json().get("article");
        assertThat(read.get(field)).as(field).isEqualTo(answered.get(field));
        if (wellFormed(value) && value.equals(value.strip()) && !value.isEmpty()) {
            assertThat(read.get(field).asString()).as(field).isEqualTo(value);
        }
        return created;
    }

    private static String articleJson(String field, String jsonValue) {
        StringBuilder json = new StringBuilder("{\"article\":{");
        for (String f : List.of("title", "description", "body")) {
            json.append('"').append(f).append("\":").append(f.equals(field) ? jsonValue : "\"ok\"").append(',');
        }
        json.setLength(json.length() - 1);
        return json.append("}}").toString();
    }

    private static boolean isRealWorldError(ApiClient.Response response) {
        try {
            JsonNode errors = response.json().path("errors");
            return errors.isObject() && errors.properties().iterator().hasNext()
                    && errors.properties().iterator().next().getValue().isArray();
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    private static boolean wellFormed(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(++i)))) {
                return false;
            }
        }
        return true;
    }

    /** A JSON string literal in plain ASCII: everything else as a unicode escape, so even unpaired surrogates arrive. */
    static String jsonString(String value) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** Percent-encodes every byte outside the unreserved set; an unpaired surrogate becomes invalid UTF-8 (ED A0 80). */
    static String pathSegment(String value) {
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            byte[] bytes;
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes = value.substring(i, i + 2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes = new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
            } else {
                bytes = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            for (byte b : bytes) {
                int u = b & 0xff;
                if (u < 0x80 && (Character.isLetterOrDigit(u) || "-._~".indexOf(u) >= 0)) {
                    encoded.append((char) u);
                } else {
                    encoded.append('%').append(String.format("%02X", u));
                }
            }
        }
        return encoded.isEmpty() ? "%20" : encoded.toString();
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
