-- Cairn store, schema version 4: the accounts of a team server (`cairn serve --auth users`).
-- Passwords are kept as argon2 hashes and token secrets as SHA-256 hashes; grants name a
-- principal (a user or a group) by id, and the permission history keeps names as they were.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_ms    INTEGER NOT NULL
);

-- Personal access tokens and browser sessions.
CREATE TABLE access_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('personal', 'session')),
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER
);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, kind);

CREATE TABLE user_groups (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (user_id);

-- resource_id is the experiment id (as text) or the registered model's name.
CREATE TABLE grants (
    resource_type  TEXT NOT NULL CHECK (resource_type IN ('experiment', 'registered_model')),
    resource_id    TEXT NOT NULL,
    principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'group')),
    principal_id   INTEGER NOT NULL,
    permission     TEXT NOT NULL
        CHECK (permission IN ('NO_PERMISSIONS', 'READ', 'EDIT', 'MANAGE')),
    PRIMARY KEY (resource_type, resource_id, principal_type, principal_id)
) WITHOUT ROWID;
CREATE INDEX grants_by_principal ON grants (principal_type, principal_id);

CREATE TABLE permission_history (
    id             INTEGER PRIMARY KEY,
    time_ms        INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    principal_type TEXT NOT NULL,
    principal      TEXT NOT NULL,
    old_permission TEXT,
    new_permission TEXT
);
CREATE INDEX permission_history_by_resource
    ON permission_history (resource_type, resource_id, id);
