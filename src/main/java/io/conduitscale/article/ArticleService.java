package io.conduitscale.article;

import io.conduitscale.platform.cache.CacheRegion;
import io.conduitscale.platform.cache.Caches;
import io.conduitscale.platform.events.DomainEvents;
import io.conduitscale.platform.web.ApiException;
import io.conduitscale.platform.web.JsonInput;
import io.conduitscale.platform.web.JsonInput.Field;
import io.conduitscale.platform.web.Keyset;
import io.conduitscale.platform.web.Pagination;
import io.conduitscale.profile.Profiles;
import io.conduitscale.tag.Tags;
import io.conduitscale.user.ProfileChanged;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;
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
    private final Caches caches;
    /** Viewer-independent articles by id, body included; favorite and view counts are not taken from here. */
    private final CacheRegion<ArticleRow> rows;
    private final CacheRegion<Long> idsBySlug;
    /** Favorite and view counts by article id: they change often, so they are cached apart from the article. */
    private final CacheRegion<ArticleCounts> counts;
    /**
     * Pages of lists (ids and total), keyed by family, family generation, limit and offset, or for keyset
     * pages limit and position ({@code k<millis>.<id>}, one id more than the page: whether a next page exists).
     */
    private final CacheRegion<PageOfIds> pages;
    private final DomainEvents events;
    private final ArticleViewCounter viewCounter;
    private final ArticleTotals totals;

    ArticleService(ArticleRepository articles, Profiles profiles, Tags tags, Caches caches, DomainEvents events,
                   ArticleViewCounter viewCounter, ArticleTotals totals) {
        this.articles = articles;
        this.totals = totals;
        this.profiles = profiles;
        this.tags = tags;
        this.caches = caches;
        this.rows = caches.region("article", ArticleRow.class);
        this.idsBySlug = caches.region("slug", Long.class);
        this.counts = caches.region(ArticleCounts.REGION, ArticleCounts.class);
        this.pages = caches.region("page", PageOfIds.class);
        this.events = events;
        this.viewCounter = viewCounter;
    }

    record PageOfIds(List<Long> ids, long count) {}

    @Transactional(readOnly = true)
    ArticleView.Page list(ArticleFilter filter, Pagination pagination, Long viewerId) {
        Rows page = rows(filter, pagination.limit() + ":" + pagination.offset(), () -> articles.page(filter, pagination),
                pagination.limit(), pagination.offset() == 0);
        return new ArticleView.Page(views(page.shown(), viewerId, page.fresh(), false), page.count());
    }

    /** A keyset page (extension): like an offset page, plus the cursor of the next page, null after the last. */
    @Transactional(readOnly = true)
    ArticleView.KeysetPage list(ArticleFilter filter, Keyset keyset, Long viewerId) {
        Rows page = rows(filter, keyset.limit() + ":" + keyset.cacheKey(), () -> articles.page(filter, keyset),
                keyset.limit(), keyset.after() == null);
        String next = null;
        if (page.more() && !page.shown().isEmpty()) {
            ArticleRow last = page.shown().getLast();
            next = keyset.cursorAfter(last.createdAt(), last.id());
        }
        return new ArticleView.KeysetPage(views(page.shown(), viewerId, page.fresh(), false), page.count(), next);
    }

    /**
     * A page's rows: at most {@code shown} of them, whether the list had more, whether their counts were read
     * with them ({@code fresh}), and the list's total. Pages of cacheable lists are cached as ids under
     * {@code window} (the offset, or the keyset position), ids beyond {@code shown} included.
     */
    private record Rows(List<ArticleRow> shown, boolean more, boolean fresh, long count) {}

    private Rows rows(ArticleFilter filter, String window, Supplier<List<ArticleRow>> load, int shown, boolean first) {
        String family = filter.cacheFamily();
        String generation = family == null ? null : caches.listGeneration(family);
        if (generation == null) {
            List<ArticleRow> page = load.get();
            return new Rows(firstOf(page, shown), page.size() > shown, true, countOf(page, filter, first));
        }
        List<ArticleRow> loadedNow = new ArrayList<>();
        PageOfIds page = pages.get(family + ":" + generation + ":" + window, () -> {
            loadedNow.addAll(load.get());
            return new PageOfIds(loadedNow.stream().map(ArticleRow::id).toList(), countOf(loadedNow, filter, first));
        });
        boolean more = page.ids().size() > shown;
        if (!loadedNow.isEmpty() || page.ids().isEmpty()) {
            return new Rows(firstOf(loadedNow, shown), more, true, page.count());
        }
        return new Rows(rowsInOrder(firstOf(page.ids(), shown)), more, false, page.count());
    }

    private static <T> List<T> firstOf(List<T> list, int n) {
        return list.size() > n ? list.subList(0, n) : list;
    }

    private long countOf(List<ArticleRow> page, ArticleFilter filter, boolean firstPage) {
        if (page.isEmpty() && firstPage) {
            return 0;
        }
        Long counted = totals.fromCounters(filter);
        return counted != null ? counted : articles.count(filter);
    }

    @Transactional(readOnly = true)
    ArticleView get(String slug, Long viewerId) {
        ArticleRow row = find(slug).orElseThrow(() -> ApiException.notFound("article"));
        viewCounter.record(row.id());
        return view(row, viewerId);
    }

    private Optional<ArticleRow> find(String slug) {
        Long id = idsBySlug.get(slug, () -> articles.idBySlug(slug).orElse(null));
        if (id == null) {
            return Optional.empty();
        }
        List<ArticleRow> found = rowsInOrder(List.of(id));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Articles by id from the cache (misses loaded in one statement), in the given order. */
    private List<ArticleRow> rowsInOrder(List<Long> ids) {
        Map<String, ArticleRow> found = rows.getAll(ids.stream().map(String::valueOf).toList(), missing -> {
            Map<String, ArticleRow> loaded = new HashMap<>();
            articles.rowsByIds(missing.stream().map(Long::valueOf).toList())
                    .forEach(row -> loaded.put(Long.toString(row.id()), row));
            return loaded;
        });
        List<ArticleRow> ordered = new ArrayList<>();
        for (Long id : ids) {
            ArticleRow row = found.get(Long.toString(id));
            if (row != null) {
                ordered.add(row);
            }
        }
        return ordered;
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
        totals.created(authorId);
        events.append("article.created", "article", created.id(), Map.of("articleId", created.id(), "authorId", authorId));
        ArticleRow row = articles.findBySlug(created.slug()).orElseThrow();
        caches.bumpListsAfterCommit(ArticleLists.containing(authorName(authorId), tagList));
        // a slug looked up before it existed was not cached (absent values never are), so nothing else is stale
        return view(row, authorId, true);
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
            caches.bumpListsAfterCommit(changedTagFamilies(current.tagList(), newTags));
        }
        events.append("article.updated", "article", current.id(), Map.of("articleId", current.id(), "authorId", userId));
        rows.evictAfterCommit(Long.toString(current.id()));
        idsBySlug.evictAfterCommit(current.slug(), newSlug);
        return view(articles.findBySlug(newSlug).orElseThrow(), userId, true);
    }

    @Transactional
    void delete(long userId, String slug) {
        ArticleRow current = ownedBy(userId, slug);
        tags.change(List.of(), current.tagList());
        totals.deleting(current.id(), userId);
        articles.delete(current.id());
        events.append("article.deleted", "article", current.id(), Map.of("articleId", current.id(), "authorId", userId));
        rows.evictAfterCommit(Long.toString(current.id()));
        idsBySlug.evictAfterCommit(current.slug());
        counts.evictAfterCommit(Long.toString(current.id()));
        caches.bumpListsAfterCommit(ArticleLists.containing(authorName(userId), current.tagList()));
    }

    @Transactional
    ArticleView favorite(long userId, String slug) {
        long id = articles.idBySlugForFavorite(slug).orElseThrow(() -> ApiException.notFound("article"));
        if (articles.addFavorite(userId, id)) {
            articles.addToFavoritesCount(id, 1);
            totals.favorited(userId, 1);
            events.append("article.favorited", "article", id, Map.of("articleId", id, "userId", userId,
                    "authorId", articles.authorOf(id)));
            counts.evictAfterCommit(Long.toString(id));
        }
        return view(articles.findBySlug(slug).orElseThrow(), userId, true);
    }

    @Transactional
    ArticleView unfavorite(long userId, String slug) {
        long id = articles.idBySlugForFavorite(slug).orElseThrow(() -> ApiException.notFound("article"));
        if (articles.removeFavorite(userId, id)) {
            articles.addToFavoritesCount(id, -1);
            totals.favorited(userId, -1);
            events.append("article.unfavorited", "article", id, Map.of("articleId", id, "userId", userId,
                    "authorId", articles.authorOf(id)));
            counts.evictAfterCommit(Long.toString(id));
        }
        return view(articles.findBySlug(slug).orElseThrow(), userId, true);
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
        return view(row, viewerId, false);
    }

    private ArticleView view(ArticleRow row, Long viewerId, boolean countsFresh) {
        return views(List.of(row), viewerId, countsFresh, true).getFirst();
    }

    /**
     * Assembles a page: authors from the profile cache, favorite counts merged in (fresh from the row
     * when it was just read, else from their own cache entries), and the viewer's favorited and
     * following flags for the whole page in one statement. Lists leave out the body.
     */
    private List<ArticleView> views(List<ArticleRow> page, Long viewerId, boolean countsFresh, boolean withBody) {
        if (page.isEmpty()) {
            return List.of();
        }
        List<Long> ids = page.stream().map(ArticleRow::id).toList();
        List<Long> authorIds = page.stream().map(ArticleRow::authorId).distinct().toList();
        Map<Long, ArticleCounts> current = countsFresh ? null : currentCounts(ids);
        Map<Long, Profiles.ProfileBase> authors = profiles.bases(authorIds);
        ArticleRepository.ViewerState viewer = viewerId == null
                ? ArticleRepository.ViewerState.ANONYMOUS
                : articles.viewerState(viewerId, ids, authorIds);
        List<ArticleView> views = new ArrayList<>();
        for (ArticleRow row : page) {
            ArticleCounts numbers = current == null ? null : current.get(row.id());
            int favorites = numbers == null ? row.favoritesCount() : numbers.favorites();
            long viewCount = numbers == null ? row.viewsCount() : numbers.views();
            ArticleRow shown = new ArticleRow(row.id(), row.slug(), row.title(), row.description(),
                    withBody ? row.body() : null,
                    row.authorId(), row.tagList(), favorites, viewCount, row.createdAt(), row.updatedAt());
            Profiles.ProfileBase author = authors.get(row.authorId());
            views.add(ArticleView.of(shown, author.seenWith(viewer.followedAuthors().contains(row.authorId())),
                    viewer.favorited().contains(row.id())));
        }
        return views;
    }

    private Map<Long, ArticleCounts> currentCounts(List<Long> ids) {
        Map<String, ArticleCounts> found = counts.getAll(ids.stream().map(String::valueOf).toList(), missing -> {
            Map<String, ArticleCounts> loaded = new HashMap<>();
            articles.counts(missing.stream().map(Long::valueOf).toList())
                    .forEach((id, numbers) -> loaded.put(Long.toString(id), numbers));
            return loaded;
        });
        Map<Long, ArticleCounts> byId = new HashMap<>();
        found.forEach((id, numbers) -> byId.put(Long.valueOf(id), numbers));
        return byId;
    }

    /** A renamed author's list pages are keyed by username: retire both names' pages. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(ProfileChanged change) {
        if (!change.previousUsername().equalsIgnoreCase(change.username())) {
            caches.bumpListsAfterCommit(List.of(ArticleLists.author(change.previousUsername()),
                    ArticleLists.author(change.username())));
        }
    }

    private String authorName(long userId) {
        return profiles.bases(List.of(userId)).get(userId).username();
    }

    private static List<String> changedTagFamilies(List<String> before, List<String> after) {
        Set<String> changed = new LinkedHashSet<>(before);
        changed.addAll(after);
        changed.removeIf(tag -> before.contains(tag) && after.contains(tag));
        return changed.stream().map(ArticleLists::tag).toList();
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
