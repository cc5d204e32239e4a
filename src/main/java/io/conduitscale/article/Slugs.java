package io.conduitscale.article;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Locale;

/**
 * URL slugs from titles: lower case, letters and digits of any script, words joined by '-'.
 * Titles need not be unique, slugs must be: a taken slug gets a random suffix (see ArticleRepository).
 */
final class Slugs {

    static final int MAX_BASE_LENGTH = 80;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Slugs() {}

    static String base(String title) {
        String plain = Normalizer.normalize(title, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String slug = plain.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.length() > MAX_BASE_LENGTH) {
            slug = slug.substring(0, MAX_BASE_LENGTH).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "article" : slug;
    }

    static String withSuffix(String base) {
        StringBuilder slug = new StringBuilder(base).append('-');
        for (int i = 0; i < 6; i++) {
            slug.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return slug.toString();
    }
}
