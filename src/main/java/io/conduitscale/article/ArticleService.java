package io.conduitscale.article;

import io.conduitscale.platform.events.DomainEvents;
import io.conduitscale.platform.web.ApiException;
import io.conduitscale.platform.web.JsonInput;
import io.conduitscale.platform.web.JsonInput.Field;
import io.conduitscale.platform.web.Pagination;
import io.conduitscale.profile.Profile;
import io.conduitscale.profile.Profiles;
import io.conduitscale.tag.Tags;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Articles: reading pages and single articles, writing them, favoriting. A page of any size costs
 * the same statements: the page (tags included), its count, the authors' profiles, and, for a
 * signed-in viewer, which of the page they favorited.
 */
@Service
class ArticleService {

    static final int MAX_TITLE = 256;
    static final int MAX_DESCRIPTION = 1_024;
    static final int MAX_TAGS = 20;
    static final int MAX_TAG_LENGTH = 64;
    static final int MAX_QUERY = 256;
    private static final int SLUG_ATTEMPTS = 5;

    private final ArticleRepository articles;
    private final Profiles profiles;
    private final Tags tags;
    private final DomainEvents events;
    private final ArticleViewCounter viewCounter;

    ArticleService(ArticleRepository articles, Profiles profiles, Tags tags, DomainEvents events,
                   ArticleViewCounter viewCounter) {
        this.articles = articles;
        this.profiles = profiles;
        this.tags = tags;
        this.events = events;
        this.viewCounter = viewCounter;
    }

    @Transactional(readOnly = true)
    ArticleView.Page list(ArticleFilter filter, Pagination pagination, Long viewerId) {
        List<ArticleRow> rows = articles.page(filter, pagination);
        long count = rows.isEmpty() && pagination.offset() == 0 ? 0 : articles.count(filter);
        return new ArticleView.Page(views(rows, viewerId), count);
    }

    @Transactional(readOnly = true)
    ArticleView get(String slug, Long viewerId) {
        ArticleRow row = articles.findBySlug(slug).orElseThrow(() -> ApiException.notFound("article"));
        viewCounter.record(row.id());
        return view(row, viewerId);
    }

    @Transactional
    ArticleView create(long authorId, JsonNode body) {
        JsonNode input = JsonInput.wrapped(body, "article");
        ApiException.Validation validation = new ApiException.Validation();
        String title = JsonInput.requiredText(input, "title", validation);
        String description = JsonInput.requiredText(input, "description", validation);
        String text = JsonInput.requiredText(input, "body", validation);
        checkLength(title, "title", MAX_TITLE, validation);
        checkLength(description, "description", MAX_DESCRIPTION, validation);
        // on create, a missing or null tagList both mean "no tags"
        List<String> tagList = tagList(JsonInput.textList(input, "tagList").value().orElse(List.of()), validation);
        validation.throwIfInvalid();

        Inserted created = insertWithUniqueSlug(Slugs.base(title), title, description, text, authorId);
        setTags(created.id(), List.of(), tagList);
        events.append("article.created", "article", created.id(), Map.of("articleId", created.id(), "authorId", authorId));
        return view(articles.findBySlug(created.slug()).orElseThrow(), authorId);
    }

    @Transactional
    ArticleView update(long userId, String slug, JsonNode body) {
        ArticleRow current = ownedBy(userId, slug);
        JsonNode input = JsonInput.wrapped(body, "article");
        ApiException.Validation validation = new ApiException.Validation();
        String title = keepOrReplace(JsonInput.text(input, "title"), current.title(), "title", validation);
        String description = keepOrReplace(JsonInput.text(input, "description"), current.description(), "description", validation);
        String text = keepOrReplace(JsonInput.text(input, "body"), current.body(), "body", validation);
        checkLength(title, "title", MAX_TITLE, validation);
        checkLength(description, "description", MAX_DESCRIPTION, validation);
        Field<List<String>> tagField = JsonInput.textList(input, "tagList");
        if (tagField instanceof Field.Null) {
            validation.reject("tagList", "must be a list; send [] to remove all tags");
        }
        List<String> newTags = tagField.value().map(list -> tagList(list, validation)).orElse(null);
        validation.throwIfInvalid();

        String newSlug = current.slug();
        if (!Slugs.base(title).equals(Slugs.base(current.title()))) {
            newSlug = Slugs.base(title);
        }
        int attempts = 0;
        while (!articles.update(current.id(), newSlug, title, description, text)) {
            if (++attempts >= SLUG_ATTEMPTS) {
                throw ApiException.taken("slug");
            }
            newSlug = Slugs.withSuffix(Slugs.base(title));
        }
        if (newTags != null) {
            setTags(current.id(), current.tagList(), newTags);
        }
        events.append("article.updated", "article", current.id(), Map.of("articleId", current.id(), "authorId", userId));
        return view(articles.findBySlug(newSlug).orElseThrow(), userId);
    }

    @Transactional
    void delete(long userId, String slug) {
        ArticleRow current = ownedBy(userId, slug);
        tags.change(List.of(), current.tagList());
        articles.delete(current.id());
        events.append("article.deleted", "article", current.id(), Map.of("articleId", current.id(), "authorId", userId));
    }

    @Transactional
    ArticleView favorite(long userId, String slug) {
        long id = articles.idBySlug(slug).orElseThrow(() -> ApiException.notFound("article"));
        if (articles.addFavorite(userId, id)) {
            articles.addToFavoritesCount(id, 1);
            events.append("article.favorited", "article", id, Map.of("articleId", id, "userId", userId,
                    "authorId", articles.authorOf(id)));
        }
        return view(articles.findBySlug(slug).orElseThrow(), userId);
    }

    @Transactional
    ArticleView unfavorite(long userId, String slug) {
        long id = articles.idBySlug(slug).orElseThrow(() -> ApiException.notFound("article"));
        if (articles.removeFavorite(userId, id)) {
            articles.addToFavoritesCount(id, -1);
            events.append("article.unfavorited", "article", id, Map.of("articleId", id, "userId", userId,
                    "authorId", articles.authorOf(id)));
        }
        return view(articles.findBySlug(slug).orElseThrow(), userId);
    }

    private ArticleRow ownedBy(long userId, String slug) {
        ArticleRow row = articles.lockBySlug(slug).orElseThrow(() -> ApiException.notFound("article"));
        if (row.authorId() != userId) {
            throw ApiException.forbidden("article");
        }
        return row;
    }

    private record Inserted(long id, String slug) {}

    /**
     * Inserts under the title's slug or, when that is taken, under the slug with a random suffix.
     * ON CONFLICT DO NOTHING makes a taken slug a normal outcome rather than an error that would
     * abort the transaction, so concurrent creates of one title each end with their own slug.
     */
    private Inserted insertWithUniqueSlug(String base, String title, String description, String body, long authorId) {
        String slug = base;
        for (int attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
            var id = articles.insert(slug, title, description, body, authorId);
            if (id.isPresent()) {
                return new Inserted(id.get(), slug);
            }
            slug = Slugs.withSuffix(base);
        }
        throw ApiException.taken("slug");
    }

    /** Moves the article from {@code before} to {@code after}, keeping tag counts exact. */
    private void setTags(long articleId, List<String> before, List<String> after) {
        Set<String> added = new LinkedHashSet<>(after);
        added.removeAll(before);
        Set<String> removed = new LinkedHashSet<>(before);
        removed.removeAll(after);
        if (before.equals(after)) {
            return;
        }
        tags.change(added, removed);
        articles.replaceTags(articleId, after);
    }

    private ArticleView view(ArticleRow row, Long viewerId) {
        return views(List.of(row), viewerId).getFirst();
    }

    private List<ArticleView> views(List<ArticleRow> rows, Long viewerId) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Long> ids = rows.stream().map(ArticleRow::id).toList();
        Map<Long, Profile> authors = profiles.of(rows.stream().map(ArticleRow::authorId).toList(), viewerId);
        Set<Long> favorited = viewerId == null ? Set.of() : articles.favoritedAmong(viewerId, ids);
        return rows.stream()
                .map(row -> ArticleView.of(row, authors.get(row.authorId()), favorited.contains(row.id())))
                .toList();
    }

    /** Trimmed, without blanks or duplicates, in the order given. */
    private static List<String> tagList(List<String> raw, ApiException.Validation validation) {
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        for (String tag : raw) {
            String trimmed = tag.trim();
            if (trimmed.isEmpty()) {
                validation.reject("tagList", "can't contain blank tags");
                continue;
            }
            if (trimmed.length() > MAX_TAG_LENGTH) {
                validation.reject("tagList", "tags are at most " + MAX_TAG_LENGTH + " characters");
                continue;
            }
            tags.add(trimmed);
        }
        if (tags.size() > MAX_TAGS) {
            validation.reject("tagList", "at most " + MAX_TAGS + " tags");
        }
        return List.copyOf(tags);
    }

    private static String keepOrReplace(Field<String> field, String current, String name, ApiException.Validation validation) {
        if (field.isAbsent()) {
            return current;
        }
        String value = field.value().orElse(null);
        if (value == null || value.isBlank()) {
            validation.reject(name, "can't be blank");
            return current;
        }
        return value;
    }

    private static void checkLength(String value, String name, int max, ApiException.Validation validation) {
        if (value != null && value.length() > max) {
            validation.reject(name, "is too long (maximum is " + max + " characters)");
        }
    }
}
