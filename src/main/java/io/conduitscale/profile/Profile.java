package io.conduitscale.profile;

/** The RealWorld profile: a user as seen by a viewer ({@code following} is false for anonymous viewers). */
public record Profile(String username, String bio, String image, boolean following) {

    public record Envelope(Profile profile) {}
}
