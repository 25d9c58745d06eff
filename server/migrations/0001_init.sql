-- The same SQL runs on SQLite and PostgreSQL: only types and syntax both understand (TEXT,
-- BIGINT, BOOLEAN, composite primary keys; no autoincrement, no JSON types).

-- Access tokens. The secret is never stored: `secret_hash` is the hex SHA-256 of the secret
-- part of the token, compared in constant time; `id` is the token's public part.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    workspace TEXT NOT NULL,
    can_write BOOLEAN NOT NULL,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The current state of every document; its content is the `versions` row of its current
-- version (stored once). A deleted document stays as a tombstone (`deleted`) so that its
-- version number keeps growing if it is created again: an old ETag can never match a newer
-- document.
CREATE TABLE documents (
    workspace TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL,
    PRIMARY KEY (workspace, kind, id)
);

-- The last N versions of each document, the current one included (pruning never reaches it).
CREATE TABLE versions (
    workspace TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    size BIGINT NOT NULL,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace, kind, id, version)
);
