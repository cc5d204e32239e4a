-- Core RealWorld schema. Invariants live in constraints, not in application code:
-- case-insensitive unique usernames and emails, unique slugs, composite keys for the
-- many-to-many tables and cascading foreign keys so a deleted row never leaves orphans.
--
-- Timestamps are timestamptz(3): the database rounds to milliseconds once, so the value an
-- INSERT returns is exactly the value every later read returns (createdAt never drifts).
SET lock_timeout = '5s';

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text        NOT NULL,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    bio           text,
    image         text,
    created_at    timestamptz(3) NOT NULL DEFAULT now(),
    updated_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE follows (
    follower_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz(3) NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id)
);
-- who follows X: serves the cascade on user deletion and follower lookups
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

CREATE TABLE articles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            text        NOT NULL,
    title           text        NOT NULL,
    description     text        NOT NULL,
    body            text        NOT NULL,
    author_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    favorites_count integer     NOT NULL DEFAULT 0 CHECK (favorites_count >= 0),
    created_at      timestamptz(3) NOT NULL DEFAULT now(),
    updated_at      timestamptz(3) NOT NULL DEFAULT now(),
    CONSTRAINT articles_slug_key UNIQUE (slug)
);
-- the global list, newest first
CREATE INDEX articles_created_idx ON articles (created_at DESC, id DESC);
-- lists by author and the feed (author_id = ANY(followed)), newest first
CREATE INDEX articles_author_created_idx ON articles (author_id, created_at DESC, id DESC);

CREATE TABLE tags (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text    NOT NULL,
    -- how many articles use the tag, maintained in the transaction that changes an article's tags
    article_count integer NOT NULL DEFAULT 0 CHECK (article_count >= 0),
    CONSTRAINT tags_name_key UNIQUE (name)
);
-- GET /api/tags: most used first
CREATE INDEX tags_popularity_idx ON tags (article_count DESC, name);

CREATE TABLE article_tags (
    article_id bigint   NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     bigint   NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    -- the order the author gave the tags in
    position   smallint NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
-- lists filtered by tag
CREATE INDEX article_tags_tag_idx ON article_tags (tag_id, article_id);

CREATE TABLE favorites (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)
);
-- the cascade on article deletion
CREATE INDEX favorites_article_idx ON favorites (article_id, user_id);

CREATE TABLE comments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       text   NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now()
);
-- an article's comments, newest first
CREATE INDEX comments_article_created_idx ON comments (article_id, created_at DESC, id DESC);
