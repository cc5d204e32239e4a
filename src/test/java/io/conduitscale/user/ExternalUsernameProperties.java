package io.conduitscale.user;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/**
 * Input validation of external claims: whatever a provider puts in the username claim, the provisioned
 * username is one that registration itself would accept, with room for a uniqueness suffix.
 */
class ExternalUsernameProperties {

    private static final String USERNAME = "[\\p{L}\\p{N}_.\\-]+";

    @Property(tries = 3000)
    void anyClaimBecomesAValidUsername(@ForAll @StringLength(max = 400) String claim) {
        String base = ExternalIdentityProvisioning.usernameBase(claim);
        assertThat(base).matches(USERNAME);
        assertThat(base.length()).isLessThanOrEqualTo(UserService.MAX_USERNAME - 7);
        String withSuffix = base + "-abc123";
        assertThat(withSuffix.length()).isLessThanOrEqualTo(UserService.MAX_USERNAME);
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < base.length() && Character.isLowSurrogate(base.charAt(++i))).as("paired surrogate").isTrue();
            } else {
                assertThat(Character.isLowSurrogate(c)).as("unpaired low surrogate").isFalse();
            }
        }
    }

    @Property(tries = 500)
    void aCleanClaimIsKeptAsIs(@ForAll("cleanUsernames") String claim) {
        assertThat(ExternalIdentityProvisioning.usernameBase(claim)).isEqualTo(claim);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> cleanUsernames() {
        return net.jqwik.api.Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_')
                .ofMinLength(1).ofMaxLength(40).filter(s -> !s.equals("user"));
    }
}
