package io.conduitscale.article;

import io.conduitscale.platform.security.CurrentUser;
import io.conduitscale.platform.web.ApiException;
import io.conduitscale.platform.web.Keyset;
import io.conduitscale.platform.web.Pagination;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
class ArticleController {

    private final ArticleService articles;

    ArticleController(ArticleService articles) {
        this.articles = articles;
    }

    @GetMapping("/api/articles")
    ArticleView.Page list(@RequestParam(required = false) String tag,
                          @RequestParam(required = false) String author,
                          @RequestParam(required = false) String favorited,
                          @RequestParam(required = false) String q,
                          @RequestParam(required = false) String limit,
                          @RequestParam(required = false) String offset) {
        return articles.list(filter(tag, author, favorited, q), Pagination.of(limit, offset), CurrentUser.id().orElse(null));
    }

    /** Keyset pages (extension): any {@code cursor} parameter, empty for the first page, selects them. */
    @GetMapping(path = "/api/articles", params = "cursor")
    ArticleView.KeysetPage listByCursor(@RequestParam(required = false) String tag,
                                        @RequestParam(required = false) String author,
                                        @RequestParam(required = false) String favorited,
                                        @RequestParam(required = false) String q,
                                        @RequestParam(required = false) String limit,
                                        @RequestParam(required = false) String offset,
                                        @RequestParam(required = false) String cursor) {
        ArticleFilter filter = filter(tag, author, favorited, q);
        return articles.list(filter, Keyset.of(limit, offset, cursor, filter.cursorScope()), CurrentUser.id().orElse(null));
    }

    @GetMapping("/api/articles/feed")
    ArticleView.Page feed(@RequestParam(required = false) String limit,
                          @RequestParam(required = false) String offset) {
        long viewer = CurrentUser.requireId();
        return articles.list(ArticleFilter.feed(viewer), Pagination.of(limit, offset), viewer);
    }

    @GetMapping(path = "/api/articles/feed", params = "cursor")
    ArticleView.KeysetPage feedByCursor(@RequestParam(required = false) String limit,
                                        @RequestParam(required = false) String offset,
                                        @RequestParam(required = false) String cursor) {
        long viewer = CurrentUser.requireId();
        ArticleFilter filter = ArticleFilter.feed(viewer);
        return articles.list(filter, Keyset.of(limit, offset, cursor, filter.cursorScope()), viewer);
    }

    @GetMapping("/api/articles/{slug}")
    ArticleView.Envelope get(@PathVariable String slug) {
        return new ArticleView.Envelope(articles.get(slug, CurrentUser.id().orElse(null)));
    }

    @PostMapping("/api/articles")
    @ResponseStatus(HttpStatus.CREATED)
    ArticleView.Envelope create(@RequestBody JsonNode body) {
        return new ArticleView.Envelope(articles.create(CurrentUser.requireId(), body));
    }

    @PutMapping("/api/articles/{slug}")
    ArticleView.Envelope update(@PathVariable String slug, @RequestBody JsonNode body) {
        return new ArticleView.Envelope(articles.update(CurrentUser.requireId(), slug, body));
    }

    @DeleteMapping("/api/articles/{slug}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String slug) {
        articles.delete(CurrentUser.requireId(), slug);
    }

    @PostMapping("/api/articles/{slug}/favorite")
    ArticleView.Envelope favorite(@PathVariable String slug) {
        return new ArticleView.Envelope(articles.favorite(CurrentUser.requireId(), slug));
    }

    @DeleteMapping("/api/articles/{slug}/favorite")
    ArticleView.Envelope unfavorite(@PathVariable String slug) {
        return new ArticleView.Envelope(articles.unfavorite(CurrentUser.requireId(), slug));
    }

    private static ArticleFilter filter(String tag, String author, String favorited, String q) {
        String query = blankToNull(q);
        if (query != null && query.length() > ArticleService.MAX_QUERY) {
            throw ApiException.invalid("q", "is too long (maximum is " + ArticleService.MAX_QUERY + " characters)");
        }
        return new ArticleFilter(blankToNull(tag), blankToNull(author), blankToNull(favorited), null, query);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
