package io.conduitscale.user;

import io.conduitscale.platform.security.TokenVersionSource;
import java.util.OptionalInt;
import org.springframework.stereotype.Component;

/** Gives the platform's revocation check (TokenVersions) read access to users.token_version. */
@Component
class UserTokenVersions implements TokenVersionSource {

    private final UserRepository users;

    UserTokenVersions(UserRepository users) {
        this.users = users;
    }

    @Override
    public OptionalInt currentVersion(long userId) {
        return users.tokenVersion(userId);
    }
}
