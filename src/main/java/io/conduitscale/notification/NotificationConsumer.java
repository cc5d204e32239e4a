package io.conduitscale.notification;

import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.platform.events.EventHandler;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns follows, comments and favorites into a notification for the user they concern (never for one's
 * own action) and, if that user registered a webhook, a pending delivery, in the same transaction.
 */
@Component
class NotificationConsumer implements EventHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    NotificationConsumer(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String consumer() {
        return "notifications";
    }

    @Override
    public boolean accepts(String type) {
        return type.equals("profile.followed") || type.equals("comment.added") || type.equals("article.favorited");
    }

    @Override
    public void handle(EventEnvelope event) {
        long recipient;
        long actor;
        Long articleId = null;
        Long commentId = null;
        String kind;
        switch (event.type()) {
            case "profile.followed" -> {
                kind = "follower";
                recipient = event.dataLong("followeeId");
                actor = event.dataLong("followerId");
            }
            case "comment.added" -> {
                kind = "comment";
                recipient = event.dataLong("articleAuthorId");
                actor = event.dataLong("authorId");
                articleId = event.dataLong("articleId");
                commentId = event.dataLong("commentId");
            }
            default -> {
                kind = "favorite";
                recipient = event.dataLong("authorId");
                actor = event.dataLong("userId");
                articleId = event.dataLong("articleId");
            }
        }
        if (recipient == actor) {
            return;
        }
        Optional<Long> notification = jdbc.sql("""
                        INSERT INTO notifications (event_id, recipient_id, kind, actor_id, article_id, comment_id, created_at)
                        VALUES (:event, :recipient, :kind, :actor, :article, :comment, :occurred)
                        ON CONFLICT (event_id, recipient_id) DO NOTHING
                        RETURNING id
                        """)
                .param("event", event.id()).param("recipient", recipient).param("kind", kind).param("actor", actor)
                .param("article", articleId).param("comment", commentId)
                .param("occurred", java.sql.Timestamp.from(event.occurredAt()))
                .query(Long.class)
                .optional();
        if (notification.isEmpty()) {
            return;
        }
        java.util.LinkedHashMap<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("notificationId", notification.get());
        payload.put("eventId", event.id().toString());
        payload.put("kind", kind);
        payload.put("actorId", actor);
        payload.put("articleId", articleId);
        payload.put("commentId", commentId);
        payload.put("occurredAt", event.occurredAt().toString());
        jdbc.sql("""
                        INSERT INTO webhook_deliveries (notification_id, user_id, payload)
                        SELECT :notification, w.user_id, :payload::jsonb FROM webhooks w WHERE w.user_id = :recipient
                        """)
                .param("notification", notification.get()).param("recipient", recipient)
                .param("payload", JSON.writeValueAsString(Map.of("notification", payload)))
                .update();
    }
}
