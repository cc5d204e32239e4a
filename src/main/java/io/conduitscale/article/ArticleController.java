package io.conduitscale.article;

import io.conduitscale.platform.security.CurrentUser;
import io.conduitscale.platform.web.ApiException;
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
        String query = blankToNull(q);
        if (query != null && query.length() > ArticleService.MAX_QUERY) {
            throw ApiException.invalid("q", "is too long (maximum is " + ArticleService.MAX_QUERY + " characters)");
        }
        return articles.list(new ArticleFilter(blankToNull(tag), blankToNull(author), blankToNull(favorited), null, query),
                Pagination.of(limit, offset), CurrentUser.id().orElse(null));
    }

    @GetMapping("/api/articles/feed")
    ArticleView.Page feed(@RequestParam(required = false) String limit,
                          @RequestParam(required = false) String offset) {
        long viewer = CurrentUser.requireId();
        return articles.list(ArticleFilter.feed(viewer), Pagination.of(limit, offset), viewer);
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

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
