package io.conduitscale.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for tests: real requests over loopback, JSON in and out. */
public final class ApiClient {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(String base) {
        this.base = base;
    }

    public static ApiClient forPort(int port) {
        return new ApiClient("http://127.0.0.1:" + port);
    }

    public record Response(int status, java.net.http.HttpHeaders headers, String text) {
        public JsonNode json() {
            return text == null || text.isEmpty() ? JSON.missingNode() : JSON.readTree(text);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response get(String path) {
        return get(path, null);
    }

    public Response post(String path, String json, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String path, String json, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            builder.header("Authorization", "Token " + token);
        }
        return builder;
    }

    /** Registers a fresh user and returns its token. */
    public String register(String username) {
        Response response = post("/api/users", """
                {"user":{"username":"%s","email":"%s@example.com","password":"password123"}}"""
                .formatted(username, username), null);
        if (response.status() != 201) {
            throw new IllegalStateException("register failed: " + response.status() + " " + response.text());
        }
        return response.json().get("user").get("token").asString();
    }

    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates an article and returns its slug. */
    public String createArticle(String token, String title, String... tags) {
        StringBuilder tagList = new StringBuilder("[");
        for (int i = 0; i < tags.length; i++) {
            tagList.append(i == 0 ? "" : ",").append('"').append(tags[i]).append('"');
        }
        tagList.append(']');
        Response response = post("/api/articles", """
                {"article":{"title":"%s","description":"d","body":"b","tagList":%s}}""".formatted(title, tagList), token);
        if (response.status() != 201) {
            throw new IllegalStateException("create failed: " + response.status() + " " + response.text());
        }
        return response.json().get("article").get("slug").asString();
    }

    /**
     * Sums the samples of a Prometheus metric from {@code /actuator/prometheus} whose labels contain every
     * one of {@code labels} (e.g. {@code pool="replica-1"}).
     */
    public double metric(String name, String... labels) {
        String text = get("/actuator/prometheus").text();
        double sum = 0;
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} ([0-9.eE+-]+|NaN)$").matcher(text);
        while (matcher.find()) {
            String found = matcher.group(1);
            if (java.util.Arrays.stream(labels).allMatch(found::contains) && !"NaN".equals(matcher.group(2))) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }
}
