-- Checkpoints and artifacts: a row per stored object set. A row is written (state 'uploading')
-- before its objects, and becomes 'ready' only once they are stored, so that a crash leaves a row
-- the sweeper can find, never an object nobody knows of. 'deleting' rows are hidden and their
-- objects are removed before the row.

CREATE TABLE checkpoints (
    id            VARCHAR(64)     PRIMARY KEY,
    org_id        VARCHAR(64)     NOT NULL REFERENCES organizations (id),
    sandbox_id    VARCHAR(64)     NOT NULL,
    name          VARCHAR(200)    NOT NULL,
    description   VARCHAR(2000),
    state         VARCHAR(20)     NOT NULL,
    object_key    VARCHAR(1100)   NOT NULL,
    manifest_key  VARCHAR(1100)   NOT NULL,
    size          BIGINT          NOT NULL,
    file_count    INTEGER         NOT NULL,
    checksum      VARCHAR(80),
    include_env   BOOLEAN         NOT NULL,
    metadata      VARCHAR(100000),
    created_at    BIGINT          NOT NULL
);
CREATE INDEX checkpoints_org_created ON checkpoints (org_id, created_at);
CREATE INDEX checkpoints_state_created ON checkpoints (state, created_at);

CREATE TABLE artifacts (
    id            VARCHAR(64)     PRIMARY KEY,
    org_id        VARCHAR(64)     NOT NULL REFERENCES organizations (id),
    sandbox_id    VARCHAR(64)     NOT NULL,
    path          VARCHAR(4096)   NOT NULL,
    remote_path   VARCHAR(1024)   NOT NULL,
    object_key    VARCHAR(1100)   NOT NULL,
    state         VARCHAR(20)     NOT NULL,
    size          BIGINT          NOT NULL,
    checksum      VARCHAR(80),
    content_type  VARCHAR(255)    NOT NULL,
    metadata      VARCHAR(100000),
    created_at    BIGINT          NOT NULL,
    expires_at    BIGINT
);
-- One artifact per remote path in an organization: an upload never silently replaces another's object.
CREATE UNIQUE INDEX artifacts_org_remote_path ON artifacts (org_id, remote_path);
CREATE INDEX artifacts_org_created ON artifacts (org_id, created_at);
CREATE INDEX artifacts_expires ON artifacts (expires_at);
CREATE INDEX artifacts_state_created ON artifacts (state, created_at);
