package io.conduitscale.comment;

import io.conduitscale.platform.security.CurrentUser;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
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

    /**
     * Keyset pages of comments (extension): a {@code cursor} (empty for the first page) or a {@code limit}
     * selects them; without either, every comment, as the RealWorld spec has it.
     */
    @GetMapping(path = "/api/articles/{slug}/comments", params = "cursor")
    CommentView.KeysetPage listByCursor(@PathVariable String slug,
                                        @RequestParam(required = false) String limit,
                                        @RequestParam(required = false) String offset,
                                        @RequestParam(required = false) String cursor) {
        return comments.list(slug, limit, offset, cursor, CurrentUser.id().orElse(null));
    }

    @GetMapping(path = "/api/articles/{slug}/comments", params = {"limit", "!cursor"})
    CommentView.KeysetPage listFirstPage(@PathVariable String slug,
                                         @RequestParam(required = false) String limit,
                                         @RequestParam(required = false) String offset) {
        return comments.list(slug, limit, offset, null, CurrentUser.id().orElse(null));
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
