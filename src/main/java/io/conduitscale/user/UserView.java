package io.conduitscale.user;

/** The {@code user} of a RealWorld response. */
record UserView(String email, String token, String username, String bio, String image) {

    static UserView of(User user, String token) {
        return new UserView(user.email(), token, user.username(), user.bio(), user.image());
    }

    record Envelope(UserView user) {}
}
