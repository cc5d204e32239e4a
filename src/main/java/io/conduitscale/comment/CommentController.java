package io.conduitscale.comment;

import io.conduitscale.platform.security.CurrentUser;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
class CommentController {

    private final CommentService comments;

    CommentController(CommentService comments) {
        this.comments = comments;
    }

    @GetMapping("/api/articles/{slug}/comments")
    CommentView.Page list(@PathVariable String slug) {
        return comments.list(slug, CurrentUser.id().orElse(null));
    }

    @PostMapping("/api/articles/{slug}/comments")
    @ResponseStatus(HttpStatus.CREATED)
    CommentView.Envelope add(@PathVariable String slug, @RequestBody JsonNode body) {
        return new CommentView.Envelope(comments.add(CurrentUser.requireId(), slug, body));
    }

    @DeleteMapping("/api/articles/{slug}/comments/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String slug, @PathVariable String id) {
        comments.delete(CurrentUser.requireId(), slug, id);
    }
}
