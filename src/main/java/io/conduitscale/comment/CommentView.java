package io.conduitscale.comment;

import io.conduitscale.profile.Profile;
import java.util.List;

/** The RealWorld {@code comment}. */
record CommentView(long id, String createdAt, String updatedAt, String body, Profile author) {

    record Envelope(CommentView comment) {}

    record Page(List<CommentView> comments) {}

    /** A keyset page (extension, docs/api.md): {@code nextCursor} is null on the last page. */
    record KeysetPage(List<CommentView> comments, String nextCursor) {}
}
