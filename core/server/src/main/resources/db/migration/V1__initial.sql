-- Portable between PostgreSQL and H2 in PostgreSQL mode. Times are epoch milliseconds (BIGINT):
-- no time-zone conversions between the JVM, the driver and the database.

CREATE TABLE installation (
    id          VARCHAR(64)  PRIMARY KEY,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE organizations (
    id          VARCHAR(64)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    slug        VARCHAR(100) NOT NULL UNIQUE,
    plan        VARCHAR(50)  NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE users (
    id          VARCHAR(64)  PRIMARY KEY,
    org_id      VARCHAR(64)  NOT NULL REFERENCES organizations (id),
    email       VARCHAR(320) NOT NULL UNIQUE,
    first_name  VARCHAR(100),
    last_name   VARCHAR(100),
    role        VARCHAR(20)  NOT NULL,
    use_case    VARCHAR(1000),
    created_at  BIGINT       NOT NULL
);

CREATE TABLE api_keys (
    id            VARCHAR(64)  PRIMARY KEY,
    org_id        VARCHAR(64)  NOT NULL REFERENCES organizations (id),
    user_id       VARCHAR(64)  REFERENCES users (id),
    name          VARCHAR(100) NOT NULL,
    key_prefix    VARCHAR(20)  NOT NULL,
    key_hash      VARCHAR(64)  NOT NULL UNIQUE,
    scopes        VARCHAR(500) NOT NULL,
    created_at    BIGINT       NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE sandboxes (
    id             VARCHAR(64)   PRIMARY KEY,
    org_id         VARCHAR(64)   NOT NULL REFERENCES organizations (id),
    session_id     VARCHAR(100)  NOT NULL,
    status         VARCHAR(20)   NOT NULL,
    template       VARCHAR(64)   NOT NULL,
    image          VARCHAR(500)  NOT NULL,
    cpus           VARCHAR(20)   NOT NULL,
    memory         VARCHAR(20)   NOT NULL,
    cpu_millis     BIGINT        NOT NULL,
    memory_bytes   BIGINT        NOT NULL,
    network        BOOLEAN       NOT NULL,
    env            VARCHAR(100000) NOT NULL,
    metadata       VARCHAR(100000),
    pod_ip         VARCHAR(64),
    status_reason  VARCHAR(1000),
    startup_ms     BIGINT,
    created_at     BIGINT        NOT NULL,
    started_at     BIGINT,
    expires_at     BIGINT        NOT NULL,
    ended_at       BIGINT,
    deleted_at     BIGINT
);
CREATE INDEX sandboxes_org_created ON sandboxes (org_id, created_at);
CREATE INDEX sandboxes_status_expires ON sandboxes (status, expires_at);
