-- Answers of POSTs sent with an Idempotency-Key, kept 24 hours, so that a retried request gets the
-- first answer again (after a restart too). state: running (owner: the server process running it)
-- or done (status, content type and body of the answer).

CREATE TABLE idempotency_keys (
    scope         VARCHAR(100)  NOT NULL,
    idem_key      VARCHAR(255)  NOT NULL,
    request_hash  VARCHAR(64)   NOT NULL,
    state         VARCHAR(10)   NOT NULL,
    owner         VARCHAR(64)   NOT NULL,
    status        INTEGER,
    content_type  VARCHAR(200),
    body          TEXT,
    created_at    BIGINT        NOT NULL,
    expires_at    BIGINT        NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
