package io.conduitscale.user;

import io.conduitscale.platform.security.TokenState;
import io.conduitscale.platform.security.TokenVersionSource;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Gives the platform's revocation check (TokenVersions) read access to users.token_version. */
@Component
class UserTokenVersions implements TokenVersionSource {

    private final UserRepository users;

    UserTokenVersions(UserRepository users) {
        this.users = users;
    }

    @Override
    public Optional<TokenState> currentState(long userId) {
        return users.tokenState(userId);
    }
}
