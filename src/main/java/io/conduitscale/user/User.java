package io.conduitscale.user;

/** An account as stored; {@code passwordHash} never leaves this module. */
record User(long id, String username, String email, String passwordHash, String bio, String image) {}
