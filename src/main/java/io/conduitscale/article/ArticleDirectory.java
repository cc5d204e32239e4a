package io.conduitscale.article;

import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The article module's API for other modules. */
@Component
public class ArticleDirectory {

    private final ArticleRepository articles;

    ArticleDirectory(ArticleRepository articles) {
        this.articles = articles;
    }

    @Transactional(readOnly = true)
    public Optional<Long> idBySlug(String slug) {
        return articles.idBySlug(slug);
    }

    @Transactional(readOnly = true)
    public Optional<ArticleRef> bySlug(String slug) {
        return articles.refBySlug(slug);
    }
}
