package io.conduitscale.comment;

import io.conduitscale.profile.Profile;
import java.util.List;

/** The RealWorld {@code comment}. */
record CommentView(long id, String createdAt, String updatedAt, String body, Profile author) {

    record Envelope(CommentView comment) {}

    record Page(List<CommentView> comments) {}
}
