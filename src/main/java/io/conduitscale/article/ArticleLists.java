package io.conduitscale.article;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Names of the families of cached list pages, and which families a change retires. */
final class ArticleLists {

    static final String ALL = "all";

    private ArticleLists() {}

    static String tag(String tag) {
        return "tag:" + tag;
    }

    static String author(String username) {
        return "author:" + username.toLowerCase(Locale.ROOT);
    }

    /** A created or deleted article changes the global list, its author's and its tags'. */
    static List<String> containing(String authorUsername, Collection<String> tags) {
        List<String> families = new ArrayList<>();
        families.add(ALL);
        families.add(author(authorUsername));
        tags.forEach(tag -> families.add(tag(tag)));
        return families;
    }
}
