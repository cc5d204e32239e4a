package io.conduitscale.load;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The RealWorld request mix: mostly reads (single articles, comments, the global list and its filters by tag,
 * author and favoriting user, the feed, profiles, tags), 30 % of the anonymous-capable reads signed in, and a
 * share of writes (favorite, comment, follow, create), each with its own {@code Idempotency-Key}. Keys are
 * drawn from Zipf distributions (s = 1.1) over the dataset. Called from the dispatcher thread only.
 */
final class RealWorldMix {

    /** A signed-in user of the pool: writes and the feed are sent as one of them. */
    record Reader(String username, String token) {
    }

    private record Weighted(String operation, double weight) {
    }

    /** Read weights (percent of reads). */
    private static final List<Weighted> READS = List.of(
            new Weighted("article", 25), new Weighted("comments", 12), new Weighted("list", 15),
            new Weighted("list-tag", 12), new Weighted("list-author", 8), new Weighted("list-favorited", 5),
            new Weighted("feed", 8), new Weighted("profile", 10), new Weighted("tags", 5));
    /** Write weights (percent of writes). */
    private static final List<Weighted> WRITES = List.of(
            new Weighted("favorite", 40), new Weighted("comment", 30), new Weighted("follow", 15),
            new Weighted("create", 15));
    static final double SIGNED_IN_READS = 0.3;
    static final double ZIPF_EXPONENT = 1.1;

    private final URI base;
    private final Dataset data;
    private final List<Reader> readers;
    private final double writeShare;
    private final Duration timeout;
    private final SplittableRandom random;
    private final Zipf articles;
    private final Zipf users;
    private final Zipf tags;
    private final Zipf popularTags;

    RealWorldMix(URI base, Dataset data, List<Reader> readers, double writeShare, Duration timeout, long seed) {
        if (readers.isEmpty()) {
            throw new IllegalArgumentException("the mix needs at least one signed-in reader");
        }
        if (writeShare < 0 || writeShare > 1) {
            throw new IllegalArgumentException("write share must be in 0..1: " + writeShare);
        }
        this.base = base;
        this.data = data;
        this.readers = List.copyOf(readers);
        this.writeShare = writeShare;
        this.timeout = timeout;
        this.random = new SplittableRandom(seed);
        this.articles = new Zipf(data.articles(), ZIPF_EXPONENT);
        this.users = new Zipf(data.users(), ZIPF_EXPONENT);
        this.tags = new Zipf(data.tags(), ZIPF_EXPONENT);
        this.popularTags = new Zipf(Math.min(50, data.tags()), ZIPF_EXPONENT);
    }

    static List<String> operations() {
        List<String> names = new ArrayList<>();
        READS.forEach(w -> names.add(w.operation()));
        WRITES.forEach(w -> names.add(w.operation()));
        return names;
    }

    static boolean isWrite(String operation) {
        return WRITES.stream().anyMatch(w -> w.operation().equals(operation));
    }

    OpenLoopRunner.Call next() {
        boolean write = random.nextDouble() < writeShare;
        String operation = pick(write ? WRITES : READS);
        Reader reader = readers.get(random.nextInt(readers.size()));
        boolean signedIn = write || operation.equals("feed") || random.nextDouble() < SIGNED_IN_READS;
        HttpRequest.Builder request = switch (operation) {
            case "article" -> get("/api/articles/" + article());
            case "comments" -> get("/api/articles/" + article() + "/comments");
            case "list" -> get("/api/articles?limit=20&offset=" + 20 * page());
            case "list-tag" -> get("/api/articles?limit=20&tag=" + encode(data.tag(popularTags.next(random))));
            case "list-author" -> get("/api/articles?limit=20&author=" + encode(user()));
            case "list-favorited" -> get("/api/articles?limit=20&favorited=" + encode(user()));
            case "feed" -> get("/api/articles/feed?limit=20&offset=" + 20 * page());
            case "profile" -> get("/api/profiles/" + encode(user()));
            case "tags" -> get("/api/tags");
            case "favorite" -> post("/api/articles/" + article() + "/favorite", "");
            case "comment" -> post("/api/articles/" + article() + "/comments",
                    "{\"comment\":{\"body\":\"Load comment " + random.nextLong() + "\"}}");
            case "follow" -> post("/api/profiles/" + encode(user()) + "/follow", "");
            case "create" -> post("/api/articles", "{\"article\":{\"title\":\"Load " + UUID.randomUUID()
                    + "\",\"description\":\"Written by the load harness\",\"body\":\"" + "Load body. ".repeat(40)
                    + "\",\"tagList\":[\"" + data.tag(tags.next(random)) + "\"]}}");
            default -> throw new IllegalStateException(operation);
        };
        if (signedIn) {
            request.header("Authorization", "Token " + reader.token());
        }
        if (write) {
            // a retry of this write would carry the same key; each new write has its own
            request.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        return new OpenLoopRunner.Call(operation, request.build());
    }

    /** The first page mostly, sometimes one of the next nine. */
    private int page() {
        return random.nextDouble() < 0.7 ? 0 : 1 + random.nextInt(9);
    }

    private String article() {
        return encode(data.article(articles.next(random)));
    }

    private String user() {
        return data.user(users.next(random));
    }

    private String pick(List<Weighted> choices) {
        double total = choices.stream().mapToDouble(Weighted::weight).sum();
        double x = random.nextDouble() * total;
        for (Weighted choice : choices) {
            x -= choice.weight();
            if (x < 0) {
                return choice.operation();
            }
        }
        return choices.getLast().operation();
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET();
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
