package io.conduitscale.article;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** Slugs are URL path segments: whatever the title, they must be safe, bounded and stable. */
class SlugProperties {

    private static final String SLUG = "[\\p{L}\\p{N}]+(-[\\p{L}\\p{N}]+)*";

    @Property(tries = 2000)
    void aSlugIsLowerCaseWordsJoinedByHyphens(@ForAll @StringLength(max = 300) String title) {
        String slug = Slugs.base(title);
        assertThat(slug).matches(SLUG);
        assertThat(slug.length()).isBetween(1, Slugs.MAX_BASE_LENGTH);
        // nothing that could leave the path segment or be decoded into one
        assertThat(slug).doesNotContain("/", "\\", "..", "%", "?", "#", ";", "\u0000");
        assertThat(slug.chars().noneMatch(Character::isWhitespace)).isTrue();
        assertThat(slug).isEqualTo(slug.toLowerCase(java.util.Locale.ROOT));
    }

    @Property(tries = 1000)
    void aSlugOfASlugIsItself(@ForAll @StringLength(max = 200) String title) {
        String slug = Slugs.base(title);
        assertThat(Slugs.base(slug)).isEqualTo(slug);
    }

    @Property(tries = 500)
    void aSuffixKeepsTheBaseAndAddsSixCharacters(@ForAll @StringLength(max = 100) String title) {
        String base = Slugs.base(title);
        assertThat(Slugs.withSuffix(base)).matches(java.util.regex.Pattern.quote(base) + "-[a-z0-9]{6}");
    }
}
