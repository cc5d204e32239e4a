package io.conduitscale.notification;

import io.conduitscale.platform.security.CurrentUser;
import io.conduitscale.platform.web.ApiException;
import io.conduitscale.platform.web.JsonInput;
import io.conduitscale.platform.web.Pagination;
import io.conduitscale.platform.web.Timestamps;
import io.conduitscale.profile.Profile;
import io.conduitscale.profile.Profiles;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Extensions of the RealWorld API (docs/api.md, docs/events.md): the signed-in user's notifications,
 * newest first, paginated like article lists; and their webhook. PUT returns the HMAC secret, once.
 */
@RestController
class NotificationController {

    private static final int MAX_URL = 2_048;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Profiles profiles;
    private final WebhookTargetGuard targets;

    NotificationController(JdbcClient jdbc, Profiles profiles, WebhookSettings webhooks) {
        this.jdbc = jdbc;
        this.profiles = profiles;
        this.targets = new WebhookTargetGuard(webhooks.allowedPrivateTargets());
    }

    record NotificationView(long id, String kind, String createdAt, Profile actor, String articleSlug, Long commentId) {}

    record Page(List<NotificationView> notifications, long notificationsCount) {}

    private record Row(long id, String kind, java.time.Instant createdAt, long actorId, String slug, Long commentId) {}

    record Webhook(String url, String secret) {}

    record WebhookEnvelope(Webhook webhook) {}

    @GetMapping("/api/notifications")
    @Transactional(readOnly = true)
    public Page list(@RequestParam(required = false) String limit, @RequestParam(required = false) String offset) {
        long me = CurrentUser.requireId();
        Pagination page = Pagination.of(limit, offset);
        List<Row> rows = jdbc.sql("""
                        SELECT n.id, n.kind, n.created_at, n.actor_id, a.slug, n.comment_id
                        FROM notifications n LEFT JOIN articles a ON a.id = n.article_id
                        WHERE n.recipient_id = :me
                        ORDER BY n.id DESC LIMIT :limit OFFSET :offset
                        """)
                .param("me", me).param("limit", page.limit()).param("offset", page.offset())
                .query(NotificationController::row)
                .list();
        long count = jdbc.sql("SELECT count(*) FROM notifications WHERE recipient_id = :me").param("me", me)
                .query(Long.class).single();
        Map<Long, Profile> actors = profiles.of(rows.stream().map(Row::actorId).toList(), me);
        return new Page(rows.stream().map(r -> new NotificationView(r.id(), r.kind(), Timestamps.format(r.createdAt()),
                actors.get(r.actorId()), r.slug(), r.commentId())).toList(), count);
    }

    @PutMapping("/api/user/webhook")
    public WebhookEnvelope register(@RequestBody JsonNode body) {
        long me = CurrentUser.requireId();
        JsonNode input = JsonInput.wrapped(body, "webhook");
        ApiException.Validation validation = new ApiException.Validation();
        String url = JsonInput.requiredText(input, "url", validation);
        if (url != null && !isHttpUrl(url.trim())) {
            validation.reject("url", "must be an http or https URL of at most " + MAX_URL + " characters");
        } else if (url != null) {
            targets.refusal(URI.create(url.trim())).ifPresent(reason -> validation.reject("url", reason));
        }
        validation.throwIfInvalid();
        String secret = HexFormat.of().formatHex(randomBytes());
        jdbc.sql("""
                        INSERT INTO webhooks (user_id, url, secret) VALUES (:me, :url, :secret)
                        ON CONFLICT (user_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_at = now()
                        """)
                .param("me", me).param("url", url.trim()).param("secret", secret)
                .update();
        return new WebhookEnvelope(new Webhook(url.trim(), secret));
    }

    @DeleteMapping("/api/user/webhook")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void remove() {
        jdbc.sql("DELETE FROM webhooks WHERE user_id = :me").param("me", CurrentUser.requireId()).update();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static boolean isHttpUrl(String url) {
        if (url.length() > MAX_URL) {
            return false;
        }
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        long comment = rs.getLong("comment_id");
        return new Row(rs.getLong("id"), rs.getString("kind"), rs.getTimestamp("created_at").toInstant(),
                rs.getLong("actor_id"), rs.getString("slug"), rs.wasNull() ? null : comment);
    }
}
