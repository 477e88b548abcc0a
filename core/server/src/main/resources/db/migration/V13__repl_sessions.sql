-- REPL sessions: a persistent interpreter (a "kernel") running inside a sandbox as its user, and
-- the process id it answers to. The kernel lives as long as its sandbox or until it is destroyed.

CREATE TABLE repl_sessions (
    id               VARCHAR(64)   PRIMARY KEY,
    org_id           VARCHAR(64)   NOT NULL REFERENCES organizations (id),
    sandbox_id       VARCHAR(64)   NOT NULL,
    language         VARCHAR(20)   NOT NULL,
    pid              INTEGER       NOT NULL,
    status           VARCHAR(20)   NOT NULL,
    execution_count  INTEGER       NOT NULL,
    created_at       BIGINT        NOT NULL,
    last_used_at     BIGINT
);
CREATE INDEX repl_sessions_sandbox ON repl_sessions (sandbox_id);
